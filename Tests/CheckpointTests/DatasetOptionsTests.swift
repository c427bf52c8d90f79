import Checkpoint
import XCTest

/// Automatic chunk shapes.
final class DatasetOptionsTests: XCTestCase {
  func testChunkShapes() {
    let options = DatasetOptions.checkpoint
    XCTAssertEqual(options.chunkDims(for: [10, 20], elementBytes: 4), [10, 20])
    XCTAssertEqual(options.chunkDims(for: [1 << 20], elementBytes: 4), [1 << 18])
    XCTAssertEqual(options.chunkDims(for: [1000, 1024], elementBytes: 4), [256, 1024])
    XCTAssertEqual(options.chunkDims(for: [3, 1 << 19], elementBytes: 4), [1, 1 << 18])
    XCTAssertEqual(options.chunkDims(for: [2, 2048, 1024], elementBytes: 4), [1, 256, 1024])
    XCTAssertNil(options.chunkDims(for: [], elementBytes: 4))
    XCTAssertNil(options.chunkDims(for: [0, 5], elementBytes: 4))
    XCTAssertNil(DatasetOptions.contiguous.chunkDims(for: [10], elementBytes: 4))
    XCTAssertTrue(DatasetOptions(chunked: false, fletcher32: true).chunked)
  }
}
