import Foundation
import XCTest

/// `reid eval` end to end, when the executable was built beside the tests (`swift build`
/// or `make test`): the JSON on a golden file, and a clear error and non-zero exit on bad
/// input.
final class EvalCommandTests: XCTestCase {
  /// The `reid` executable in the build directory (`swift test` builds it); a test fails
  /// without it rather than being skipped.
  func reid() throws -> String {
    let directory = Bundle.module.bundleURL.deletingLastPathComponent()
    let path = directory.appendingPathComponent("reid").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
      throw MissingTestInput(message: "no reid executable at \(path); run make test")
    }
    return path
  }

  func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try reid())
    process.arguments = arguments
    let (output, error) = (Pipe(), Pipe())
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, String(decoding: out, as: UTF8.self),
      String(decoding: err, as: UTF8.self)
    )
  }

  /// The keys `reid eval --json` promises.
  struct Report: Decodable {
    var rank1, rank5, rank10: Float
    var mAP: Double
    var cmc: [Float]
    var queries, skipped: Int
    var rerank: Bool
  }

  func testJSONOfTheMediumGoldenFile() throws {
    let golden = try Golden("medium")
    for (rerank, cmc, mAP) in [
      (false, golden.cmc, golden.mAP),
      (true, golden.reranked[0].cmc, golden.reranked[0].mAP),
    ] {
      let result = try run(
        ["eval", "--features", golden.path, "--json"] + (rerank ? ["--rerank"] : []))
      XCTAssertEqual(result.status, 0, result.error)
      let report = try JSONDecoder().decode(Report.self, from: Data(result.output.utf8))
      XCTAssertEqual(report.queries, golden.evaluated)
      XCTAssertEqual(report.skipped, golden.skipped)
      XCTAssertEqual(report.mAP, mAP)
      XCTAssertEqual(report.cmc, cmc)
      XCTAssertEqual([report.rank1, report.rank5, report.rank10], [cmc[0], cmc[4], cmc[9]])
      XCTAssertEqual(report.rerank, rerank)
    }
  }

  func testTextOutput() throws {
    let result = try run(["eval", "--features", try Golden.path("hand"), "--max-rank", "3"])
    XCTAssertEqual(result.status, 0, result.error)
    XCTAssertTrue(result.output.contains("rank-1 0.0%  rank-5 100.0%"), result.output)
    XCTAssertTrue(result.output.contains("mAP 50.0%"), result.output)
  }

  func testBadInputFailsClearly() throws {
    let missing = try run(["eval", "--features", "/nonexistent/features.h5"])
    XCTAssertNotEqual(missing.status, 0)
    XCTAssertTrue(missing.error.contains("/nonexistent/features.h5: no such file"), missing.error)
    let options = try run(["eval", "--features", try Golden.path("hand"), "--k1", "0"])
    XCTAssertNotEqual(options.status, 0)
    XCTAssertTrue(options.error.contains("k1"), options.error)
  }
}
