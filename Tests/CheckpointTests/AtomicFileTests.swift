import Checkpoint
import Foundation
import TensorCore
import XCTest

/// Atomic replacement: all or nothing, and no temporary file left behind.
final class AtomicFileTests: CheckpointTestCase {
  struct WriterFailed: Error {}

  func testReplacesTheDestinationAndLeavesNoTemporary() throws {
    let file = path("model.h5")
    try "old".write(toFile: file, atomically: false, encoding: .utf8)
    let result = try HDF5File.writeAtomically(to: file) { writer in
      try writer.write(Tensor(shape: [2], scalars: [3, 4]), to: "w")
      return 42
    }
    XCTAssertEqual(result, 42)
    XCTAssertEqual(try HDF5File.open(file).readTensor("w").scalars, [3, 4])
    XCTAssertEqual(try directoryContents(), ["model.h5"])
  }

  func testThrowingWriterLeavesTheDestinationUnchanged() throws {
    let file = path("model.h5")
    try HDF5File.writeAtomically(to: file) { try $0.write([Int64(1)], shape: [1], to: "v") }
    let before = try Data(contentsOf: URL(fileURLWithPath: file))

    var temporarySeen = false
    XCTAssertThrowsError(
      try HDF5File.writeAtomically(to: file) { writer in
        try writer.write([Int64(2)], shape: [1], to: "v")
        temporarySeen = FileManager.default.fileExists(atPath: AtomicFile.temporaryPath(for: file))
        throw WriterFailed()
      }
    ) { XCTAssertTrue($0 is WriterFailed, "\($0)") }
    XCTAssertTrue(temporarySeen)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), before)
    XCTAssertEqual(try directoryContents(), ["model.h5"])

    // An HDF5 error inside the writer names the destination, not the temporary file.
    let error = expectHDF5Error {
      try HDF5File.writeAtomically(to: file) { writer in
        try writer.write([Int64(2)], shape: [1], to: "v")
        try writer.write([Int64(3)], shape: [1], to: "v")
      }
    }
    XCTAssertEqual(error?.description, "\(file): /v: object already exists")
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), before)
    XCTAssertEqual(try directoryContents(), ["model.h5"])
  }

  func testPlainAtomicWriteOfAnyFile() throws {
    let file = path("notes.txt")
    XCTAssertEqual(AtomicFile.temporaryPath(for: file), path(".notes.txt.tmp-\(getpid())"))
    try AtomicFile.write(to: file) { temporary in
      try "hello".write(toFile: temporary, atomically: false, encoding: .utf8)
    }
    XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "hello")

    // A writer that creates nothing fails in fsync's open, and the destination stays.
    XCTAssertThrowsError(try AtomicFile.write(to: file) { _ in }) { error in
      XCTAssertEqual((error as? AtomicFileError)?.operation, "open", "\(error)")
    }
    XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "hello")
    XCTAssertEqual(try directoryContents(), ["notes.txt"])
  }

  func testRelativePathUsesTheCurrentDirectory() {
    XCTAssertEqual(AtomicFile.temporaryPath(for: "x.h5"), "./.x.h5.tmp-\(getpid())")
    XCTAssertEqual(AtomicFile.temporaryPath(for: "/x.h5"), "/.x.h5.tmp-\(getpid())")
  }
}
