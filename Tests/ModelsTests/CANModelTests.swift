import Layers
import Models
import TensorCore
import XCTest
import _TestSupport

final class CANModelTests: XCTestCase {
  /// A tiny CAN: DenseNet at width 1/8 and depth 1/6 (C = 23), ASPP 8 channels.
  func tinyModel(
    pixelAttention: Bool = true, parsingTrainable: Bool = true, partPooling: PartPooling = .average
  ) -> (CANModel, ModelSlabs) {
    let spec = BackboneSpec(family: .densenet121, width: 0.125, depth: 1.0 / 6)
    let config = CANConfig(
      backbone: spec, asppChannels: 8, pixelAttention: pixelAttention, attentionReduction: 4,
      partPooling: partPooling, parsingTrainable: parsingTrainable)
    let slabs = ModelSlabs()
    let model = CANModel(config, slabs)
    var stream = RandomStream(seed: 5, name: "init")
    model.initialize(slabs, using: &stream)
    return (model, slabs)
  }

  func testReadoutShapesAndMasks() {
    let (model, slabs) = tinyModel()
    let x = Fixtures.uniform([2, 64, 32, 3], seed: 1)
    let (out, _) = model.forward(x, mode: .training, slabs)
    XCTAssertEqual(out.features.shape, [2, 2, 1, 23])
    XCTAssertEqual(out.parsingLogits.shape, [2, 4, 2, 20])
    XCTAssertEqual(out.masks.shape, [2, 2, 1, 5])
    for readout in Readout.allCases {
      XCTAssertEqual(out.readouts[readout]?.shape, [2, readout.multiple * 23], "\(readout)")
    }
    // The foreground is exactly the union of the four body parts.
    for p in 0..<4 {
      let parts = (1..<5).reduce(Float(0)) { $0 + out.masks[flat: p * 5 + $1] }
      XCTAssertEqual(out.masks[flat: p * 5], parts, accuracy: 1e-5)
    }
    XCTAssertEqual(out.readouts[.baseline], out.readouts[.s6])
  }

  /// Central differences of sum over readouts of (readout * dy) with respect to a spread of
  /// every parameter: both streams, ASPP, the five attention blocks. Inference mode: through
  /// training-mode batch norms of 2 images at 2x1 pixels the loss is too curved for float32
  /// central differences; the training-mode pieces are checked against PyTorch instead.
  ///
  /// The pre-sigmoid ReLU of the attention blocks leaves channels just below zero in these
  /// tiny maps, and a ±1e-3 step of their BN bias crosses the kink; such points are skipped
  /// (they are counted, and must stay a few).
  func testWholeModelGradients() {
    for pooling in [PartPooling.average, .max, .maskAverage] {
      let (model, slabs) = tinyModel(partPooling: pooling)
      let mode = LayerMode.inference
      let x = Fixtures.uniform([2, 64, 32, 3], seed: 1)
      let (out, cache) = model.forward(x, mode: mode, slabs)
      var upstream: [Readout: Tensor] = [:]
      for (i, readout) in [Readout.can, .canpt, .can6, .s2].enumerated() {
        upstream[readout] = Fixtures.uniform(
          out.readouts[readout]?.shape ?? [], seed: UInt64(10 + i))
      }
      slabs.parameters.zeroGradients()
      model.backward(upstream, input: x, cache: cache, slabs)
      let analytic = Array(slabs.parameters.allGradients)
      let result = GradientChecker.check(
        values: slabs.parameters.allValues, analytic: analytic, epsilon: 1e-3, maxChecks: 400,
        skipKinks: true
      ) {
        let (o, _) = model.forward(x, mode: mode, slabs)
        return upstream.reduce(0.0) { sum, entry in
          sum + GradientChecker.dot(o.readouts[entry.key] ?? entry.value, entry.value)
        }
      }
      XCTAssert(
        result.passed && result.checked > 300 && result.kinks <= 8, "\(pooling) \(mode): \(result)")
      print("CAN gradient check, \(pooling) pooling, \(mode): \(result)")
    }
  }

  func testFrozenParsingStreamGetsNoGradient() {
    let (model, slabs) = tinyModel(parsingTrainable: false)
    let x = Fixtures.uniform([2, 64, 32, 3], seed: 1)
    let (out, cache) = model.forward(x, mode: .training, slabs)
    slabs.parameters.zeroGradients()
    model.backward(
      [.can: Fixtures.uniform(out.readouts[.can]?.shape ?? [], seed: 3)], input: x, cache: cache,
      slabs)
    for entry in slabs.parameters.entries {
      guard let id = slabs.parameters.id(of: entry.name) else { continue }
      let touched = slabs.parameters.gradients(id).contains { $0 != 0 }
      if entry.name.hasPrefix("parsing.") { XCTAssertFalse(touched, entry.name) }
    }
    guard let conv0 = slabs.parameters.id(of: "appearance.features.conv0.weight") else {
      return XCTFail("no appearance conv0")
    }
    XCTAssert(slabs.parameters.gradients(conv0).contains { $0 != 0 })
  }

  /// A profiled training step splits the head's time into attention and resize, and times
  /// the attention blocks' and both streams' convolutions as conv, not as attention.
  func testProfilerSeesTheHeadAsAttentionAndResize() {
    let (model, slabs) = tinyModel(parsingTrainable: false)
    let x = Fixtures.uniform([2, 64, 32, 3], seed: 1)
    let profiler = Profiler.shared
    defer {
      profiler.enabled = false
      profiler.reset()
    }
    profiler.reset()
    profiler.enabled = true
    let (out, cache) = model.forward(x, mode: .training, slabs)
    model.backward(
      [.can: Fixtures.uniform(out.readouts[.can]?.shape ?? [], seed: 3)], input: x, cache: cache,
      slabs)
    profiler.enabled = false
    for kind in [Profiler.Kind.attention, .resize, .conv, .batchNorm] {
      XCTAssertGreaterThan(profiler.seconds[kind] ?? 0, 0, "\(kind)")
    }
    XCTAssertGreaterThan(profiler.convFLOPs, 0)
    // Timing the head as attention must not change what it computes.
    let (again, _) = model.forward(x, mode: .inference, slabs)
    profiler.enabled = true
    let (profiled, _) = model.forward(x, mode: .inference, slabs)
    XCTAssertEqual(again.readouts, profiled.readouts)
  }

  /// Both families train at their `smallestInput`, the lower bound the configuration checks
  /// (smaller inputs trap in a pooling geometry), reaching a 1x1 feature map.
  func testSmallestInputsTrain() {
    for family in BackboneFamily.allCases {
      let config = CANConfig(
        backbone: BackboneSpec(family: family, width: 0.125), asppChannels: 8,
        attentionReduction: 4)
      let slabs = ModelSlabs()
      let model = CANModel(config, slabs)
      var stream = RandomStream(seed: 5, name: "init")
      model.initialize(slabs, using: &stream)
      let side = family.smallestInput
      let x = Fixtures.uniform([2, side, side, 3], seed: 1)
      let (out, cache) = model.forward(x, mode: .training, slabs)
      XCTAssertEqual(out.features.shape[1], 1, "\(family)")
      model.backward(
        [.can: Fixtures.uniform(out.readouts[.can]?.shape ?? [], seed: 3)], input: x,
        cache: cache, slabs)
    }
  }

  func testWithoutPixelAttentionCANEqualsCANpt() {
    let (model, slabs) = tinyModel(pixelAttention: false)
    XCTAssert(model.attention.isEmpty)
    let (out, _) = model.forward(
      Fixtures.uniform([2, 64, 32, 3], seed: 1), mode: .inference, slabs)
    XCTAssertEqual(out.readouts[.can], out.readouts[.canpt])
  }
}
