import Models
import TensorCore
import XCTest

/// Forward outputs, input and parameter gradients and running statistics against
/// torchvision's modules (at reduced width), from Fixtures/parity.h5.
final class ParityTests: XCTestCase {
  func testDenseBlockAndTransition() throws {
    let slabs = ModelSlabs()
    let block = Sequential(
      DenseBlock(
        "denseblock", slabs, layerCount: 3, inputChannels: 8, growthRate: 4,
        bottleneckMultiplier: 4),
      BatchNormBlock("transition.norm", slabs, channels: 20, relu: true),
      ConvBlock("transition.conv", slabs, inputChannels: 20, outputChannels: 10, kernel: (1, 1)),
      AvgPoolBlock(kernelSize: 2, stride: 2))
    try ParityFixture.check("densenet_block", block, slabs)
  }

  /// densenet121 at width 1/8 and depth 1/6: growth 4, stem 8, blocks 1-2-4-3.
  func testDenseNetFeatures() throws {
    for dilated in [false, true] {
      let slabs = ModelSlabs()
      let spec = BackboneSpec(family: .densenet121, dilated: dilated, width: 0.125, depth: 1.0 / 6)
      let backbone = Backbone(spec, slabs)
      try ParityFixture.check(
        dilated ? "densenet_features_dilated" : "densenet_features", backbone.features, slabs)
    }
  }

  /// inception_v3 at width 1/16: the stem and the modules A to E, one at a time.
  func testInceptionModules() throws {
    let slabs = ModelSlabs()
    let blocks = Backbone(BackboneSpec(family: .inceptionV3, width: 1.0 / 16), slabs)
      .features.blocks
    try ParityFixture.check("inception_stem", Sequential(Array(blocks[0..<7])), slabs)
    for (name, index) in [
      ("Mixed_5b", 7), ("Mixed_6a", 10), ("Mixed_6b", 11), ("Mixed_7a", 15), ("Mixed_7c", 17),
    ] {
      try ParityFixture.check("inception_\(name)", blocks[index], slabs)
    }
  }

  /// The parsing stream's variant: Mixed_7a at stride 1, Mixed_7b dilated by 2.
  func testDilatedInceptionTail() throws {
    let slabs = ModelSlabs()
    let spec = BackboneSpec(family: .inceptionV3, dilated: true, width: 1.0 / 16)
    let blocks = Backbone(spec, slabs).features.blocks
    try ParityFixture.check("inception_dilated_tail", Sequential([blocks[15], blocks[16]]), slabs)
  }
}

/// The CAN heads against PyTorch transcriptions (torchvision's ASPP, torchreid's SoftAttn),
/// in training mode.
final class HeadParityTests: XCTestCase {
  func testASPP() throws {
    let slabs = ModelSlabs()
    let aspp = ASPP.make("aspp", slabs, inputChannels: 5, channels: 3, rates: [2, 3])
    try ParityFixture.check("aspp", aspp, slabs)
  }

  func testSoftAttention() throws {
    for norm in [true, false] {
      let slabs = ModelSlabs()
      let block = SoftAttention("a", slabs, channels: 8, reduction: 4, preSigmoidNorm: norm)
      try ParityFixture.check("attention_norm\(norm ? 1 : 0)", block, slabs)
    }
  }
}
