import Checkpoint
import Foundation
import XCTest

/// A test case with a fresh directory per test, removed in tearDown.
class CheckpointTestCase: XCTestCase {
  var directory = ""

  override func setUpWithError() throws {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("checkpoint-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    directory = url.path
  }

  override func tearDownWithError() throws {
    if !directory.isEmpty { try? FileManager.default.removeItem(atPath: directory) }
  }

  /// A path for `name` in the test's directory.
  func path(_ name: String) -> String { directory + "/" + name }

  /// The names in the test's directory, hidden ones included.
  func directoryContents() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
  }

  /// Asserts that `body` throws an `HDF5Error` and returns it.
  func expectHDF5Error(
    file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
  ) -> HDF5Error? {
    do {
      try body()
      XCTFail("expected an HDF5Error, nothing was thrown", file: file, line: line)
    } catch let error as HDF5Error {
      return error
    } catch {
      XCTFail("expected an HDF5Error, got \(error)", file: file, line: line)
    }
    return nil
  }
}
