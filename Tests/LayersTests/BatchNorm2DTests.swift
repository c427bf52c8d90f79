import Kernels
import Layers
import TensorCore
import XCTest
import _TestSupport

final class BatchNorm2DTests: XCTestCase {
  func makeLayer(channels: Int, epsilon: Float = 1e-5) -> (
    BatchNorm2D, ParameterSlab, ParameterSlab
  ) {
    let parameters = ParameterSlab()
    let buffers = ParameterSlab(hasGradients: false)
    let bn = BatchNorm2D(
      "bn", parameters: parameters, buffers: buffers, channels: channels, epsilon: epsilon)
    parameters.setValue(bn.weight, Fixtures.uniform([channels], seed: 11, low: 0.5, high: 1.5))
    parameters.setValue(bn.bias, Fixtures.uniform([channels], seed: 12))
    return (bn, parameters, buffers)
  }

  /// Forward and running statistics against a double-precision reference of PyTorch's rules.
  func testTrainingForwardAndRunningStatisticsMatchReference() {
    let x = Fixtures.uniform([2, 3, 5, 4], seed: 1, low: -2, high: 3)
    let (bn, parameters, buffers) = makeLayer(channels: 4)
    let (y, _) = bn.forward(x, mode: .training, parameters: parameters, buffers: buffers)
    let m = 30
    for c in 0..<4 {
      var values = [Double]()
      for r in 0..<m { values.append(Double(x[flat: r * 4 + c])) }
      let mean = values.reduce(0, +) / Double(m)
      let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(m)
      let gamma = Double(parameters.values(bn.weight)[c])
      let beta = Double(parameters.values(bn.bias)[c])
      for r in 0..<m {
        let expected = (values[r] - mean) / (variance + 1e-5).squareRoot() * gamma + beta
        XCTAssertEqual(Double(y[flat: r * 4 + c]), expected, accuracy: 1e-5)
      }
      XCTAssertEqual(Double(buffers.values(bn.runningMean)[c]), 0.1 * mean, accuracy: 1e-6)
      let unbiased = variance * Double(m) / Double(m - 1)
      XCTAssertEqual(
        Double(buffers.values(bn.runningVariance)[c]), 0.9 + 0.1 * unbiased, accuracy: 1e-6)
    }
    XCTAssertEqual(buffers.values(bn.batchesTracked)[0], 1)
  }

  func testInferenceUsesRunningStatistics() {
    let (bn, parameters, buffers) = makeLayer(channels: 3, epsilon: 1e-3)
    buffers.setValue(bn.runningMean, Tensor(shape: [3], scalars: [1, -1, 0.5]))
    buffers.setValue(bn.runningVariance, Tensor(shape: [3], scalars: [4, 0.25, 1]))
    let x = Fixtures.uniform([1, 2, 2, 3], seed: 4)
    let (y, _) = bn.forward(x, mode: .inference, parameters: parameters, buffers: buffers)
    for i in 0..<x.count {
      let c = i % 3
      let mean = buffers.values(bn.runningMean)[c]
      let variance = buffers.values(bn.runningVariance)[c]
      let expected =
        (x[flat: i] - mean) / (variance + 1e-3).squareRoot() * parameters.values(bn.weight)[c]
        + parameters.values(bn.bias)[c]
      XCTAssertEqual(y[flat: i], expected, accuracy: 1e-5)
    }
    XCTAssertEqual(buffers.values(bn.batchesTracked)[0], 0)
  }

  func testGradientsMatchCentralDifferencesInBothModes() {
    for mode in [LayerMode.training, .inference] {
      for shape: Shape in [[2, 3, 2, 3], [1, 1, 5, 2]] {
        let (bn, parameters, buffers) = makeLayer(channels: shape[3])
        var x = Fixtures.uniform(shape, seed: 5, low: -2, high: 2)
        // Freeze the running statistics during the check by evaluating on a copy.
        let frozen = ParameterSlab(hasGradients: false)
        for e in buffers.entries { _ = frozen.register(e.name, shape: e.shape) }
        let loss = { (input: Tensor) -> Double in
          _ = frozen.allValues.update(fromContentsOf: buffers.allValues)
          let (y, _) = bn.forward(input, mode: mode, parameters: parameters, buffers: frozen)
          return GradientChecker.dot(y, self.upstream(shape))
        }
        _ = frozen.allValues.update(fromContentsOf: buffers.allValues)
        let (_, cache) = bn.forward(x, mode: mode, parameters: parameters, buffers: frozen)
        var dx: Tensor? = Tensor(shape: shape)
        bn.backward(
          upstream(shape), input: x, cache: cache, into: &dx,
          parameters: parameters)
        guard let dx else { return XCTFail("no input gradient") }
        let rx = GradientChecker.check(&x, analytic: dx, epsilon: 1e-2, loss: loss)
        XCTAssert(rx.passed, "\(mode) dx \(shape): \(rx)")
        for id in [bn.weight, bn.bias] {
          let r = GradientChecker.check(
            values: parameters.values(id), analytic: parameters.gradient(id).scalars
          ) {
            loss(x)
          }
          XCTAssert(r.passed, "\(mode) \(parameters.entry(id).name) \(shape): \(r)")
        }
      }
    }
  }

  /// The fused ReLU gives exactly the bits of batch norm followed by a separate `ReLU`, in
  /// the forward and the backward pass, in both modes; with -0 and 0 in the upstream gradient
  /// and outputs at exactly 0 (beta 0 and a constant channel), where a sign could slip.
  func testFusedReLUGivesTheBitsOfASeparateReLU() {
    let shape: Shape = [2, 3, 4, 5]
    for mode in [LayerMode.training, .inference] {
      var x = Fixtures.uniform(shape, seed: 7, low: -2, high: 2)
      for r in 0..<(shape.count / 5) { x[flat: r * 5 + 4] = 0.25 }
      var dy = Fixtures.uniform(shape, seed: 8)
      for i in stride(from: 0, to: dy.count, by: 7) { dy[flat: i] = -0.0 }
      var results: [(y: [Float], dx: [Float], dgamma: [Float], dbeta: [Float])] = []
      for fused in [false, true] {
        let (bn, parameters, buffers) = makeLayer(channels: 5)
        parameters.values(bn.bias)[4] = 0
        buffers.setValue(bn.runningVariance, Fixtures.uniform([5], seed: 9, low: 0.5, high: 2))
        var (y, cache) = bn.forward(
          x, mode: mode, parameters: parameters, buffers: buffers, relu: fused)
        var gradient = dy
        if !fused {
          y = ReLU().forward(y)
          var masked = Tensor(shape: shape)
          ReLU().backward(dy, output: y, into: &masked)
          gradient = masked
        }
        var dx: Tensor? = Fixtures.uniform(shape, seed: 10)
        bn.backward(
          gradient, input: x, cache: cache, into: &dx, parameters: parameters, relu: fused)
        results.append(
          (
            y.scalars, dx?.scalars ?? [], parameters.gradient(bn.weight).scalars,
            parameters.gradient(bn.bias).scalars
          ))
      }
      let (separate, fused) = (results[0], results[1])
      XCTAssertEqual(separate.y.map(\.bitPattern), fused.y.map(\.bitPattern), "\(mode) y")
      XCTAssertEqual(separate.dx.map(\.bitPattern), fused.dx.map(\.bitPattern), "\(mode) dx")
      XCTAssertEqual(
        separate.dgamma.map(\.bitPattern), fused.dgamma.map(\.bitPattern), "\(mode) dgamma")
      XCTAssertEqual(
        separate.dbeta.map(\.bitPattern), fused.dbeta.map(\.bitPattern), "\(mode) dbeta")
      XCTAssert(separate.y.contains(0) && separate.y.contains { $0 > 0 }, "\(mode): no mask")
    }
  }

  /// Forward and backward give the same bits on 1 and 2 kernel threads (channel-split sums,
  /// row-split maps), with and without the fused ReLU, in both modes: on a batch large enough
  /// to split, with channels that end in a partial block of 16.
  func testThreadCountDoesNotChangeBits() {
    let shape: Shape = [2, 24, 32, 72]
    let x = Fixtures.uniform(shape, seed: 21, low: -2, high: 2)
    let dy = Fixtures.uniform(shape, seed: 22)
    for mode in [LayerMode.training, .inference] {
      for relu in [false, true] {
        let results = [1, 2].map { threads -> [[Float]] in
          let saved = KernelThreads.count
          KernelThreads.count = threads
          defer { KernelThreads.count = saved }
          let (bn, parameters, buffers) = makeLayer(channels: shape[3])
          buffers.setValue(
            bn.runningVariance, Fixtures.uniform([shape[3]], seed: 23, low: 0.5, high: 2))
          let (y, cache) = bn.forward(
            x, mode: mode, parameters: parameters, buffers: buffers, relu: relu)
          var dx: Tensor? = Fixtures.uniform(shape, seed: 24)
          bn.backward(dy, input: x, cache: cache, into: &dx, parameters: parameters, relu: relu)
          return [
            y.scalars, dx?.scalars ?? [], parameters.gradient(bn.weight).scalars,
            parameters.gradient(bn.bias).scalars, Array(buffers.values(bn.runningMean)),
            Array(buffers.values(bn.runningVariance)),
          ]
        }
        for (name, (one, two)) in zip(
          ["y", "dx", "dgamma", "dbeta", "running mean", "running variance"],
          zip(results[0], results[1]))
        {
          let difference = Fixtures.bitDifference(one, two)
          XCTAssert(difference.isEmpty, "\(mode) relu \(relu) \(name): \(difference)")
        }
      }
    }
  }

  func upstream(_ shape: Shape) -> Tensor { Fixtures.uniform(shape, seed: 6) }
}
