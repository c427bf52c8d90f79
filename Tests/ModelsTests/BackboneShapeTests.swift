import Layers
import Models
import TensorCore
import XCTest
import _TestSupport

final class BackboneShapeTests: XCTestCase {
  /// Output shapes at 256x128 for every variant, from the blocks' shape arithmetic.
  func testFeatureMapShapes() throws {
    let expected: [String: Shape] = [
      "densenet121": [1, 8, 4, 1024], "densenet121-dilated": [1, 16, 8, 1024],
      "inception_v3": [1, 6, 2, 2048], "inception_v3-dilated": [1, 14, 6, 2048],
      "inception_v3-w0.25": [1, 6, 2, 512], "densenet121-w0.5-d0.5": [1, 8, 4, 258],
    ]
    for (name, shape) in expected {
      let backbone = Backbone(try BackboneSpec(parsing: name), ModelSlabs())
      XCTAssertEqual(backbone.features.outputShape(for: [1, 256, 128, 3]), shape, name)
    }
  }

  /// The full DenseNet-121 once at 256x128, batch 2: the forward output has the predicted
  /// shape, and a training step's backward reaches the first convolution.
  func testFullDenseNet121TrainingStep() throws {
    let slabs = ModelSlabs()
    let backbone = Backbone(BackboneSpec(family: .densenet121), slabs)
    var stream = RandomStream(seed: 1, name: "init")
    backbone.initialize(slabs, using: &stream)
    let x = Fixtures.uniform([2, 256, 128, 3], seed: 2)
    let (y, cache) = backbone.features.forward(x, mode: .training, slabs)
    XCTAssertEqual(y.shape, [2, 8, 4, 1024])
    var none: Tensor? = nil
    backbone.features.backward(
      Fixtures.uniform(y.shape, seed: 3), input: x, cache: cache, into: &none, slabs)
    guard let conv0 = slabs.parameters.id(of: "features.conv0.weight") else {
      return XCTFail("no conv0")
    }
    let gradient = slabs.parameters.gradient(conv0).scalars
    XCTAssert(gradient.allSatisfy(\.isFinite) && gradient.contains { $0 != 0 })
  }

  /// torchvision's init schemes, in distribution: kaiming-normal convs for DenseNet, std 0.1
  /// for Inception, batch norms 1 and 0.
  func testInitializationStatistics() throws {
    func std(_ v: UnsafeMutableBufferPointer<Float>) -> Double {
      let mean = v.reduce(0.0) { $0 + Double($1) } / Double(v.count)
      return
        (v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
        / Double(v.count)).squareRoot()
    }
    var stream = RandomStream(seed: 3, name: "init")
    let dense = ModelSlabs()
    Backbone(BackboneSpec(family: .densenet121), dense).initialize(dense, using: &stream)
    let p = dense.parameters
    guard let conv = p.id(of: "features.denseblock3.denselayer5.conv2.weight"),
      let gamma = p.id(of: "features.norm5.weight"), let beta = p.id(of: "features.norm5.bias")
    else { return XCTFail("missing DenseNet parameters") }
    XCTAssertEqual(std(p.values(conv)), (2.0 / (128 * 9)).squareRoot(), accuracy: 2e-3)
    XCTAssert(p.values(gamma).allSatisfy { $0 == 1 } && p.values(beta).allSatisfy { $0 == 0 })
    let inception = ModelSlabs()
    Backbone(BackboneSpec(family: .inceptionV3), inception).initialize(inception, using: &stream)
    guard let w = inception.parameters.id(of: "Mixed_6b.branch7x7_2.conv.weight") else {
      return XCTFail("missing Inception parameters")
    }
    XCTAssertEqual(std(inception.parameters.values(w)), 0.1, accuracy: 2e-3)
  }
}
