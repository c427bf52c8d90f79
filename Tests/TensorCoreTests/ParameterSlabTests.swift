import TensorCore
import XCTest

final class ParameterSlabTests: XCTestCase {
  func testNamedViewsAreContiguousAndSurviveGrowth() {
    let slab = ParameterSlab()
    let a = slab.register("layer.weight", shape: [3, 2])
    slab.values(a).update(repeating: 1.5)
    slab.gradients(a)[0] = 4
    var ids = [ParameterID]()
    for i in 0..<50 { ids.append(slab.register("big\(i)", shape: [100])) }
    XCTAssertEqual(slab.value(a).scalars, [Float](repeating: 1.5, count: 6))
    XCTAssertEqual(slab.gradient(a)[0, 0], 4)
    XCTAssertEqual(slab.count, 6 + 5000)
    XCTAssertEqual(slab.entry(ids[0]).offset, 6)
    XCTAssertEqual(slab.id(of: "big3"), ids[3])
    XCTAssertNil(slab.id(of: "missing"))
    XCTAssertEqual(slab.allValues.count, slab.allGradients.count)
    slab.zeroGradients()
    XCTAssertEqual(slab.gradient(a)[0, 0], 0)
  }

  func testSetValueAndBuffersWithoutGradients() {
    let buffers = ParameterSlab(hasGradients: false)
    let m = buffers.register("bn.running_mean", shape: [2])
    buffers.setValue(m, Tensor(shape: [2], scalars: [1, 2]))
    XCTAssertEqual(buffers.value(m).scalars, [1, 2])
    XCTAssertFalse(buffers.hasGradients)
  }
}
