import Checkpoint
import Foundation
import TensorCore
import XCTest

/// Damaged, truncated, foreign and missing files give typed errors, never crashes.
final class CorruptionTests: CheckpointTestCase {
  func testFlippedByteInsideAChunkIsDetected() throws {
    let file = path("flip.h5")
    // A distinctive pattern so the chunk's bytes can be found in the file.
    let values = (0..<4096).map { Float($0) + 0.25 }
    do {
      let writer = try HDF5File.create(at: file)
      let dataset = try writer.write(values, shape: [64, 64], to: "params/w")
      XCTAssertTrue(dataset.hasFletcher32)
      try writer.close()
    }
    var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
    let needle = values[100..<116].withUnsafeBytes { Data($0) }
    let found = try XCTUnwrap(bytes.range(of: needle), "chunk bytes not found in the file")
    bytes[found.lowerBound + 5] ^= 0x10
    try bytes.write(to: URL(fileURLWithPath: file))

    let reader = try HDF5File.open(file)
    let dataset = try reader.openDataset("params/w")  // metadata is intact
    let error = expectHDF5Error { _ = try dataset.readTensor() }
    XCTAssertEqual(error?.kind, .readFailed)
    XCTAssertEqual(error?.object, "/params/w")
    let text = error?.description ?? ""
    XCTAssertTrue(text.hasPrefix("\(file): /params/w: checksum mismatch or read error"), text)
  }

  func testTruncatedFileIsRejected() throws {
    let file = path("truncated.h5")
    do {
      let writer = try HDF5File.create(at: file)
      try writer.write(Tensor(shape: [256, 64], repeating: 1), to: "w")
      try writer.close()
    }
    let size = try XCTUnwrap(
      FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber
    ).intValue
    XCTAssertEqual(truncate(file, off_t(size / 2)), 0)
    let error = expectHDF5Error { _ = try HDF5File.open(file) }
    XCTAssertEqual(error?.kind, .corruptFile)
    XCTAssertTrue(
      error?.description.hasPrefix("\(file): HDF5 file is truncated or corrupt") ?? false)
  }

  func testNonHDF5FilesAreRejected() throws {
    let text = path("notes.txt")
    try "this is not HDF5\n".write(toFile: text, atomically: false, encoding: .utf8)
    let error = expectHDF5Error { _ = try HDF5File.open(text) }
    XCTAssertEqual(error?.kind, .notHDF5)
    XCTAssertEqual(error?.description.hasPrefix("\(text): not an HDF5 file or truncated"), true)

    let empty = path("empty.h5")
    XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
    XCTAssertEqual(expectHDF5Error { _ = try HDF5File.open(empty) }?.kind, .notHDF5)

    let folder = expectHDF5Error { _ = try HDF5File.open(directory) }
    XCTAssertEqual(folder?.description, "\(directory): cannot open the file (hdf5: Is a directory)")
  }

  func testFileOpenInAnotherModeIsNotCalledCorrupt() throws {
    let file = path("busy.h5")
    let reader = try HDF5File.create(at: file)
    try reader.close()
    let first = try HDF5File.open(file)
    let error = expectHDF5Error { _ = try HDF5File.open(file, mode: .readWrite) }
    XCTAssertEqual(error?.kind, .fileAccess("open"))
    try first.close()
    try HDF5File.open(file, mode: .readWrite).close()
  }

  func testMissingFileAndUncreatableFile() throws {
    let missing = path("missing.h5")
    let error = expectHDF5Error { _ = try HDF5File.open(missing) }
    XCTAssertEqual(error?.kind, .fileNotFound)
    XCTAssertEqual(error?.description, "\(missing): no such file")

    let nowhere = path("no/such/dir/x.h5")
    XCTAssertEqual(
      expectHDF5Error { _ = try HDF5File.create(at: nowhere) }?.kind, .fileAccess("create"))
  }
}
