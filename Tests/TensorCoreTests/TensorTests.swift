import TensorCore
import XCTest

final class TensorTests: XCTestCase {
  func testShapeCountsStridesAndOffsets() {
    let s: Shape = [2, 3, 4, 5]
    XCTAssertEqual(s.count, 120)
    XCTAssertEqual(s.strides, [60, 20, 5, 1])
    XCTAssertEqual(s.offset(of: [1, 2, 3, 4]), 119)
    XCTAssertEqual(Shape([]).count, 1)
    XCTAssertEqual(Shape([3, 0]).count, 0)
    XCTAssertEqual(s.description, "(2, 3, 4, 5)")
  }

  func testTensorIsCopyOnWrite() {
    var a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    let b = a
    a[1, 1] = 9
    XCTAssertEqual(a.scalars, [1, 2, 3, 9])
    XCTAssertEqual(b.scalars, [1, 2, 3, 4])
  }

  func testStorageIsAligned() {
    for n in [0, 1, 3, 17, 1000] {
      let t = Tensor(shape: [n])
      t.withUnsafePointer { p in
        XCTAssertEqual(Int(bitPattern: p) % AlignedBuffer.alignment, 0)
      }
    }
  }

  func testReshapeKeepsScalarsAndEqualityIsBitwise() {
    let a = Tensor(shape: [2, 3]) { Float($0) }
    let b = a.reshaped([3, 2])
    XCTAssertEqual(a.scalars, b.scalars)
    XCTAssertNotEqual(a, b)
    XCTAssertEqual(a, b.reshaped([2, 3]))
    XCTAssertNotEqual(Tensor(shape: [1], scalars: [0]), Tensor(shape: [1], scalars: [-0.0]))
  }

  func testRepeatingAndZero() {
    var t = Tensor(shape: [3], repeating: 2.5)
    XCTAssertEqual(t.scalars, [2.5, 2.5, 2.5])
    t.zero()
    XCTAssertEqual(t.scalars, [0, 0, 0])
  }
}
