import Foundation
import Harness
import XCTest

/// The progress line: redrawn in place on a terminal after every step, a plain line per
/// logging step otherwise; `metrics.jsonl` gets the logging steps in either case.
final class ProgressLineTests: XCTestCase {
  /// A run log over a temporary metrics.jsonl whose progress text is recorded.
  func log(interactive: Bool, total: Int = 4) throws -> (RunLog, () -> [String], URL) {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("progress-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    final class Recorder: @unchecked Sendable { var writes: [String] = [] }
    let recorder = Recorder()
    let progress = ProgressLine(interactive: interactive, minimumInterval: 0) {
      recorder.writes.append($0)
    }
    let url = folder.appendingPathComponent("metrics.jsonl")
    let log = try RunLog(
      metricsURL: url, label: "can-inception/seed2", totalSteps: total, resumedStep: 0,
      progress: progress)
    return (log, { recorder.writes }, url)
  }

  func runSteps(_ log: RunLog, total: Int = 4) {
    for step in 1...total {
      log.step(
        step, images: 12, metrics: ["loss": 0.5, "lr": 0.002, "active": 0.25],
        logging: step % 2 == 0)
    }
    log.close()
  }

  func testOnATerminalTheLineIsRedrawnAfterEveryStepAndEndsWithANewline() throws {
    let (log, writes, url) = try log(interactive: true)
    runSteps(log)
    let redraws = writes().filter { $0.hasPrefix("\r\u{1B}[K") }
    XCTAssertEqual(redraws.count, 4, "\(writes())")
    let last = try XCTUnwrap(redraws.last)
    for field in [
      "can-inception/seed2", "step 4/4", "img/s", "loss 0.5000", "lr 2.00e-03", "elapsed ",
      "ETA 0s",
    ] {
      XCTAssertTrue(last.contains(field), "\(field) missing from \(last)")
    }
    XCTAssertEqual(writes().last, "\n")
    XCTAssertFalse(redraws.contains { $0.contains("\n") })
    // metrics.jsonl: the logging steps, keys sorted, as before the progress line existed.
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(lines.count, 2)
    XCTAssertTrue(lines[0].hasPrefix("{\"active\":0.25,\"img_per_s\":"), String(lines[0]))
    XCTAssertTrue(lines[0].hasSuffix(",\"loss\":0.5,\"lr\":0.002,\"step\":2}"), String(lines[0]))
  }

  func testOffATerminalOnePlainLinePerLoggingStep() throws {
    let (log, writes, _) = try log(interactive: false)
    runSteps(log)
    XCTAssertEqual(writes().count, 2, "\(writes())")
    XCTAssertTrue(writes().allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") })
    XCTAssertTrue(writes()[0].hasPrefix("can-inception/seed2  step 2/4  "), writes()[0])
    XCTAssertTrue(writes()[1].contains("step 4/4"))
  }

  func testAPlainLineReplacesTheProgressLineOnATerminal() {
    var writes: [String] = []
    let line = ProgressLine(interactive: true, minimumInterval: 0) { writes.append($0) }
    line.redraw("step 1/9")
    line.print("resuming from step-000004.h5")
    line.finish()
    XCTAssertEqual(writes, ["\r\u{1B}[Kstep 1/9", "\r\u{1B}[Kresuming from step-000004.h5\n"])
    XCTAssertEqual(ProgressLine.duration(3725), "1h02m")
    XCTAssertEqual(ProgressLine.duration(185), "3m05s")
    XCTAssertEqual(ProgressLine.duration(.nan), "?")
  }
}
