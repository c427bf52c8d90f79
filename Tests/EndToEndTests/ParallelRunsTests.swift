import Foundation
import XCTest

/// `--jobs 2` trains the seeds of a table in child processes side by side, with exactly the
/// results of one at a time.
final class ParallelRunsTests: XCTestCase {
  /// Each run's eval.json without its timestamp, and the parameter digest of its weights.
  func fingerprints(_ results: URL) throws -> [String: String] {
    var result: [String: String] = [:]
    let runs = try FileManager.default.contentsOfDirectory(
      at: results.appendingPathComponent("runs"), includingPropertiesForKeys: nil)
    for run in runs {
      let eval = try String(contentsOf: run.appendingPathComponent("eval.json"), encoding: .utf8)
        .split(separator: "\n").filter { !$0.contains("\"finished\"") }.joined(separator: "\n")
      let checkpoints = try FileManager.default.contentsOfDirectory(
        atPath: run.appendingPathComponent("checkpoints").path)
      let last = try XCTUnwrap(checkpoints.sorted().last)
      let digest = try ReidProcess.run(
        ["inspect", "--digest", run.appendingPathComponent("checkpoints/\(last)").path])
      XCTAssertEqual(digest.status, 0, digest.errors)
      result[run.lastPathComponent] = eval + "\n" + digest.output
    }
    return result
  }

  func testTwoJobsGiveTheBitsOfOne() throws {
    let arguments = ["table", "table1", "--profile", "smoke", "--no-figures"]
    let parallel = ReidProcess.temporaryFolder(self, "jobs2")
    let two = try ReidProcess.run(arguments + ["--jobs", "2", "--results", parallel.path])
    XCTAssertEqual(two.status, 0, two.errors)
    // Both seeds of CAN were started before the first finished, each with its own log.
    let lines = two.errors.split(separator: "\n")
    let started = lines.firstIndex {
      $0.hasPrefix("can-inception/seed2 [") && $0.contains("started")
    }
    let firstDone = lines.firstIndex {
      $0.hasPrefix("can-inception/seed1 [") && $0.contains("done in")
    }
    XCTAssertNotNil(started, two.errors)
    XCTAssertLessThan(started ?? .max, firstDone ?? .max, two.errors)
    let logs = try FileManager.default.contentsOfDirectory(
      atPath: parallel.appendingPathComponent("logs").path)
    XCTAssertTrue(logs.contains("can6-inception-seed2.log"), "\(logs)")

    let serial = ReidProcess.temporaryFolder(self, "jobs1")
    let one = try ReidProcess.run(arguments + ["--results", serial.path])
    XCTAssertEqual(one.status, 0, one.errors)
    let expected = try fingerprints(serial)
    XCTAssertEqual(expected.count, 5)
    XCTAssertEqual(try fingerprints(parallel), expected)
    let tableA = try String(
      contentsOf: parallel.appendingPathComponent("table1.md"), encoding: .utf8)
    let tableB = try String(contentsOf: serial.appendingPathComponent("table1.md"), encoding: .utf8)
    XCTAssertEqual(tableA, tableB)
  }
}
