import Foundation
import XCTest

/// A smoke training run killed with SIGKILL at several points and resumed each time ends
/// with exactly the weights of an uninterrupted run.
final class ResumeTests: XCTestCase {
  let overrides = ["--set", "train.iterations=20", "--set", "train.checkpoint_every=5"]

  func finalDigest(_ results: URL) throws -> String {
    let runs = try FileManager.default.contentsOfDirectory(
      at: results.appendingPathComponent("runs"), includingPropertiesForKeys: nil)
    let can = runs.first {
      (try? String(contentsOf: $0.appendingPathComponent("config.yaml"), encoding: .utf8))?
        .contains("descriptor: can\n") == true
    }.map { $0.appendingPathComponent("checkpoints/step-000020.h5") }
    let checkpoint = try XCTUnwrap(can, "no CAN run in \(results.path)")
    let result = try ReidProcess.run(["inspect", "--digest", checkpoint.path])
    XCTAssertEqual(result.status, 0, result.errors)
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func testKilledAndResumedRunEndsBitIdentical() throws {
    let straight = ReidProcess.temporaryFolder(self, "straight")
    let arguments = ["run", "can-inception", "--profile", "smoke", "--seeds", "1"] + overrides
    let full = try ReidProcess.run(arguments + ["--results", straight.path])
    XCTAssertEqual(full.status, 0, full.errors)

    let killed = ReidProcess.temporaryFolder(self, "killed")
    var kills = 0
    for killAfter in [5, 10, 15] {
      let (process, _, _) = try ReidProcess.start(arguments + ["--results", killed.path])
      let deadline = Date().addingTimeInterval(120)
      while process.isRunning && Date() < deadline {
        let checkpoints = (try? FileManager.default.subpathsOfDirectory(atPath: killed.path)) ?? []
        // The parsing run finishes first (its manifest appears) and keeps only its last two
        // checkpoints, so a step-N file after that belongs to the CAN run.
        if checkpoints.contains(where: { $0.contains("manifest.json") })
          && checkpoints.contains(where: { $0.hasSuffix(String(format: "step-%06d.h5", killAfter)) }
          )
        {
          kill(process.processIdentifier, SIGKILL)
          break
        }
        usleep(2_000)
      }
      process.waitUntilExit()
      if process.terminationReason == .uncaughtSignal { kills += 1 }
    }
    XCTAssertGreaterThanOrEqual(kills, 2, "the runs finished before they could be killed")
    let resumed = try ReidProcess.run(arguments + ["--results", killed.path])
    XCTAssertEqual(resumed.status, 0, resumed.errors)
    XCTAssertTrue(resumed.errors.contains("resuming from"), resumed.errors)
    XCTAssertEqual(try finalDigest(killed), try finalDigest(straight))
  }

  /// metrics.jsonl of the only run under `results`, without throughput (which varies).
  func metrics(_ results: URL) throws -> String {
    let runs = try FileManager.default.contentsOfDirectory(
      at: results.appendingPathComponent("runs"), includingPropertiesForKeys: nil)
    let run = try XCTUnwrap(runs.first)
    return try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
      .replacingOccurrences(of: #""img_per_s":[0-9.e+-]*,"#, with: "", options: .regularExpression)
  }

  func testAParsingRunResumedBetweenLoggingStepsLogsTheSameCurve() throws {
    // Logged at 4 and 8, checkpointed at 3 and 6: a resume from step 3 must log at step 4 the
    // pixel accuracy of batches 1-4, as the uninterrupted run does.
    let arguments = [
      "run", "parsing-inception", "--profile", "smoke", "--set", "train.iterations=8", "--set",
      "train.log_every=4", "--set", "train.checkpoint_every=3", "--set",
      "train.keep_checkpoints=5",
    ]
    let straight = ReidProcess.temporaryFolder(self, "parsing-straight")
    let full = try ReidProcess.run(arguments + ["--results", straight.path])
    XCTAssertEqual(full.status, 0, full.errors)
    let expected = try metrics(straight)
    XCTAssertEqual(expected.split(separator: "\n").count, 2)
    XCTAssertTrue(expected.contains("\"pixel_acc\":"), expected)

    let resumed = ReidProcess.temporaryFolder(self, "parsing-resumed")
    XCTAssertEqual(try ReidProcess.run(arguments + ["--results", resumed.path]).status, 0)
    let run = try XCTUnwrap(
      try FileManager.default.contentsOfDirectory(
        at: resumed.appendingPathComponent("runs"), includingPropertiesForKeys: nil
      ).first)
    // As if it had died after step 3's checkpoint.
    for name in [
      "checkpoints/step-000006.h5", "checkpoints/step-000008.h5", "weights.h5", "manifest.json",
      "eval.json",
    ] {
      try FileManager.default.removeItem(at: run.appendingPathComponent(name))
    }
    let again = try ReidProcess.run(arguments + ["--results", resumed.path])
    XCTAssertEqual(again.status, 0, again.errors)
    XCTAssertTrue(again.errors.contains("resuming from step-000003"), again.errors)
    XCTAssertEqual(try metrics(resumed), expected)
  }
}
