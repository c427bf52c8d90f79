import TensorCore
import XCTest

final class BufferPoolTests: XCTestCase {
  override func tearDown() {
    BufferPool.shared.enable(capacityBytes: 0)
    super.tearDown()
  }

  /// A freed large buffer comes back for the next allocation of its size, zeroed; small ones
  /// and ones beyond the capacity go back to malloc; disabling frees what was kept.
  func testRecyclesLargeBlocksBySizeAndZeroesThem() {
    let large = BufferPool.minimumBytes / MemoryLayout<Float>.stride * 2
    BufferPool.shared.enable(capacityBytes: 3 * large * MemoryLayout<Float>.stride)
    var first: AlignedBuffer? = AlignedBuffer(count: large)
    let address = first?.baseAddress
    first?.buffer.update(repeating: 7)
    first = nil
    XCTAssertEqual(BufferPool.shared.cachedBytes, large * MemoryLayout<Float>.stride)

    let second = AlignedBuffer(count: large)
    XCTAssertEqual(second.baseAddress, address, "the kept block was not reused")
    XCTAssertFalse(second.buffer.contains { $0 != 0 }, "a recycled block was not zeroed")
    XCTAssertEqual(BufferPool.shared.cachedBytes, 0)

    _ = AlignedBuffer(count: 16)
    XCTAssertEqual(BufferPool.shared.cachedBytes, 0, "a small block was kept")
    var many = (0..<5).map { _ in AlignedBuffer(count: large) }
    many.removeAll()
    XCTAssertEqual(BufferPool.shared.cachedBytes, 3 * large * MemoryLayout<Float>.stride)

    BufferPool.shared.enable(capacityBytes: 0)
    XCTAssertEqual(BufferPool.shared.cachedBytes, 0)
    _ = second
  }
}
