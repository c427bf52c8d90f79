import Checkpoint
import TensorCore
import XCTest
import _TestSupport

/// Every element type written and read back, with its shape, in both layouts.
final class DatasetRoundTripTests: CheckpointTestCase {
  func testFloat32TensorsOfRanksZeroToFourIncludingZeroSize() throws {
    let shapes: [Shape] = [
      [], [7], [3, 5], [2, 3, 4], [2, 3, 4, 5], [0], [3, 0], [0, 4, 2], [2, 0, 3, 1], [1, 1, 1, 1],
    ]
    let file = path("tensors.h5")
    for options in [DatasetOptions.checkpoint, .contiguous] {
      let writer = try HDF5File.create(at: file)
      for (index, shape) in shapes.enumerated() {
        try writer.write(
          Fixtures.uniform(shape, seed: UInt64(index)), to: "t\(index)", options: options)
      }
      try writer.close()

      let reader = try HDF5File.open(file)
      for (index, shape) in shapes.enumerated() {
        let tensor = try reader.readTensor("t\(index)")
        XCTAssertEqual(tensor.shape, shape, "t\(index)")
        XCTAssertEqual(tensor, Fixtures.uniform(shape, seed: UInt64(index)), "t\(index)")
        let dataset = try reader.openDataset("t\(index)")
        XCTAssertEqual(dataset.elementType, .float32)
        let chunked = options.chunked && shape.rank > 0 && shape.count > 0
        XCTAssertEqual(dataset.chunkShape != nil, chunked, "t\(index) \(options)")
        XCTAssertEqual(dataset.hasFletcher32, chunked, "t\(index) \(options)")
      }
      try reader.close()
    }
  }

  func testFloatArrayWithShapeAndSpecialValues() throws {
    let values: [Float] = [0, -0, 1.5, -2.25, .infinity, -.infinity, .nan, .leastNonzeroMagnitude]
    let file = try HDF5File.create(at: path("floats.h5"))
    try file.write(values, shape: [2, 4], to: "x")
    let back = try file.read("x", as: Float.self)
    XCTAssertEqual(back.shape, [2, 4])
    XCTAssertEqual(back.values.map(\.bitPattern), values.map(\.bitPattern))
  }

  func testInt64UInt8AndFloat64() throws {
    let file = path("ints.h5")
    let ints: [Int64] = [.min, -1, 0, 1, .max, 42]
    let bytes: [UInt8] = (0..<256).map { UInt8($0) }
    let doubles: [Double] = [.pi, -1e300, .leastNonzeroMagnitude]
    do {
      let writer = try HDF5File.create(at: file)
      try writer.write(ints, shape: [3, 2], to: "ints")
      try writer.write(bytes, shape: [4, 8, 8], to: "bytes", options: .contiguous)
      try writer.write(doubles, shape: [3], to: "doubles")
      try writer.write([Int64](), shape: [0, 2], to: "empty")
      try writer.write([Int64(7)], shape: [], to: "scalar")
      try writer.close()
    }
    let reader = try HDF5File.open(file)
    XCTAssertEqual(
      try reader.read("ints", as: Int64.self), ShapedArray(shape: [3, 2], values: ints))
    XCTAssertEqual(
      try reader.read("bytes", as: UInt8.self), ShapedArray(shape: [4, 8, 8], values: bytes))
    XCTAssertEqual(try reader.read("doubles", as: Double.self).values, doubles)
    XCTAssertEqual(
      try reader.read("empty", as: Int64.self), ShapedArray(shape: [0, 2], values: []))
    XCTAssertEqual(try reader.read("scalar", as: Int64.self), ShapedArray(shape: [], values: [7]))
    XCTAssertEqual(try reader.openDataset("ints").elementType, .int64)
    XCTAssertEqual(try reader.openDataset("bytes").elementType, .uint8)
  }

  func testStringsIncludingNonASCII() throws {
    let strings = [
      "", "ascii", "Grüße", "日本語のテキスト", "emoji 🧪🔬", "a\tb\nc",
      String(repeating: "x", count: 5000),
    ]
    let file = path("strings.h5")
    do {
      let writer = try HDF5File.create(at: file)
      try writer.write(strings, to: "names")
      try writer.write(strings, to: "plain", options: .contiguous)
      try writer.write([String](), to: "none")
      try writer.close()
    }
    let reader = try HDF5File.open(file)
    XCTAssertEqual(try reader.readStrings("names"), strings)
    XCTAssertEqual(try reader.readStrings("plain"), strings)
    XCTAssertEqual(try reader.readStrings("none"), [])
    let dataset = try reader.openDataset("names")
    XCTAssertEqual(dataset.elementType, .string)
    XCTAssertEqual(dataset.shape, [strings.count])
    XCTAssertEqual(dataset.chunkShape, [strings.count])
    XCTAssertFalse(dataset.hasFletcher32)  // HDF5 cannot checksum variable-length data
  }

  func testLargeTensorIsChunkedAlongTheFirstAxis() throws {
    let shape: Shape = [64, 3, 64, 32]  // 1.5 MiB of float32
    let file = try HDF5File.create(at: path("big.h5"))
    let tensor = Fixtures.uniform(shape)
    let dataset = try file.write(tensor, to: "params/conv.weight")
    XCTAssertEqual(dataset.chunkShape, [42, 3, 64, 32])
    XCTAssertEqual(dataset.path, "/params/conv.weight")
    XCTAssertEqual(try file.readTensor("params/conv.weight"), tensor)
  }

  func testReadIntoBufferChecksShape() throws {
    let file = try HDF5File.create(at: path("buffer.h5"))
    let tensor = Fixtures.uniform([4, 5])
    try file.write(tensor, to: "w")
    var target = [Float](repeating: 0, count: 20)
    try target.withUnsafeMutableBufferPointer {
      try file.openDataset("w").read(into: $0, expecting: [4, 5])
    }
    XCTAssertEqual(target, tensor.scalars)
    let error = expectHDF5Error {
      try target.withUnsafeMutableBufferPointer {
        try file.openDataset("w").read(into: $0, expecting: [5, 4])
      }
    }
    XCTAssertEqual(error?.kind, .shapeMismatch(expected: "(5, 4)", found: "(4, 5)"))
  }
}
