import Checkpoint
import Foundation
import TensorCore
import XCTest

/// The reference tool of HDF5 (hdf5-tools' h5dump, a required dependency) reads our files.
final class H5DumpTests: CheckpointTestCase {
  static let h5dump = "/usr/bin/h5dump"

  /// Runs h5dump with `arguments` and returns its exit status and standard output.
  func runH5Dump(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.h5dump)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  func testH5DumpReadsWhatWeWrote() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.h5dump) else {
      XCTFail("\(Self.h5dump) not found: install hdf5-tools (apt-get install hdf5-tools)")
      return
    }
    let file = path("dump.h5")
    try HDF5File.writeAtomically(to: file) { writer in
      try writer.write(
        Tensor(shape: [2, 3], scalars: [1.5, 2, 3, 4, 5, 6.25]), to: "params/fc.weight")
      try writer.write([Int64(123_456_789_012)], shape: [1], to: "state/step")
      try writer.write([UInt8(7), 8], shape: [2], to: "bytes", options: .contiguous)
      try writer.write(["Grüße", "plain"], to: "names")
      try writer.write(Tensor(shape: [0, 4]), to: "params/empty")
      try writer.setAttribute("format", "reid-checkpoint")
      try writer.setAttribute("version", Int64(3))
    }
    let (status, output) = try runH5Dump([file])
    XCTAssertEqual(status, 0, output)
    for expected in [
      "fc.weight", "step", "bytes", "names", "empty", "H5T_IEEE_F32LE", "H5T_STD_I64LE",
      "H5T_STD_U8LE", "6.25", "123456789012", "reid-checkpoint", "plain", "H5T_CSET_UTF8",
    ] {
      XCTAssertTrue(output.contains(expected), "h5dump output lacks \(expected):\n\(output)")
    }

    let (propertiesStatus, properties) = try runH5Dump(["-p", "-d", "/params/fc.weight", file])
    XCTAssertEqual(propertiesStatus, 0, properties)
    XCTAssertTrue(properties.contains("CHUNKED"), properties)
    XCTAssertTrue(properties.contains("CHECKSUM FLETCHER32"), properties)
  }
}
