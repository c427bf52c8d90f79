import Foundation
import XCTest

/// A trained run is evaluated again, not retrained, when its eval.json no longer answers the
/// configuration: other evaluation settings, or a file that cannot be read.
final class ReevaluationTests: XCTestCase {
  func testChangedSettingsOrAnUnreadableEvalJSONEvaluateAgain() throws {
    let results = ReidProcess.temporaryFolder(self, "reevaluate").path
    let base = [
      "run", "baseline-inception", "--profile", "smoke", "--seeds", "1", "--results", results,
    ]
    let first = try ReidProcess.run(base)
    XCTAssertEqual(first.status, 0, first.errors)
    let folder = try XCTUnwrap(first.output.split(separator: " ").last)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let evalJSON = folder + "/eval.json"

    let cached = try ReidProcess.run(base)
    XCTAssertTrue(cached.errors.contains("done (cached)"), cached.errors)

    let changed = try ReidProcess.run(base + ["--set", "eval.normalize=false"])
    XCTAssertEqual(changed.status, 0, changed.errors)
    XCTAssertTrue(changed.errors.contains("other evaluation settings"), changed.errors)
    XCTAssertFalse(changed.errors.contains("training"), changed.errors)
    let text = try String(contentsOfFile: evalJSON, encoding: .utf8)
    XCTAssertTrue(text.contains("\"normalize\" : false"), text)

    try Data("{\"trunc".utf8).write(to: URL(fileURLWithPath: evalJSON))
    let unreadable = try ReidProcess.run(base)
    XCTAssertEqual(unreadable.status, 0, unreadable.errors)
    XCTAssertTrue(unreadable.errors.contains("cannot be read"), unreadable.errors)
    XCTAssertFalse(unreadable.errors.contains("training"), unreadable.errors)
    XCTAssertTrue(try ReidProcess.run(base).errors.contains("done (cached)"))
  }
}
