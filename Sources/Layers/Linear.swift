import Kernels
import TensorCore

/// A fully connected layer: y = x · W^T + b.
///
/// x: (N, in) -> y: (N, out); weight: (out, in); bias: (out).
public struct Linear: Sendable {
  public let inputFeatures: Int
  public let outputFeatures: Int
  public let weight: ParameterID
  public let bias: ParameterID?

  /// Registers `<name>.weight` (and `<name>.bias`) in `parameters`.
  public init(
    _ name: String, in parameters: ParameterSlab, inputFeatures: Int, outputFeatures: Int,
    bias: Bool = true
  ) {
    self.inputFeatures = inputFeatures
    self.outputFeatures = outputFeatures
    weight = parameters.register("\(name).weight", shape: [outputFeatures, inputFeatures])
    self.bias = bias ? parameters.register("\(name).bias", shape: [outputFeatures]) : nil
  }

  /// PyTorch's default initialization: weight and bias uniform in ±1/sqrt(in).
  public func resetParameters(_ parameters: ParameterSlab, using stream: inout RandomStream) {
    let bound = 1 / Float(inputFeatures).squareRoot()
    for id in [weight] + (bias.map { [$0] } ?? []) {
      let v = parameters.values(id)
      for i in 0..<v.count { v[i] = stream.nextUniform(-bound, bound) }
    }
  }

  private func batch(of shape: Shape) -> Int {
    checkPrecondition(
      shape.rank == 2 && shape[1] == inputFeatures,
      "Linear: input \(shape) is not (N, \(inputFeatures))")
    return shape[0]
  }

  /// x: (N, in) -> y: (N, out). In a sharded step each shard is its own GEMM
  /// (`BatchShards`).
  public func forward(_ x: Tensor, _ parameters: ParameterSlab) -> Tensor {
    let n = batch(of: x.shape)
    var y = Tensor(shape: [n, outputFeatures])
    let w = parameters.valuePointer(weight)
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer { py in
        for rows in BatchShards.localSlices(n) {
          BLAS.sgemm(
            .none, .transposed, m: rows.count, n: outputFeatures, k: inputFeatures,
            a: px + rows.lowerBound * inputFeatures, b: w, c: py + rows.lowerBound * outputFeatures
          )
        }
        if let bias {
          let b = parameters.valuePointer(bias)
          for r in 0..<n {
            for o in 0..<outputFeatures { py[r * outputFeatures + o] += b[o] }
          }
        }
      }
    }
    return y
  }

  /// Accumulates dW += dy^T · x, db += sum(dy) and, when `inputGradient` is non-nil,
  /// dx += dy · W. In a sharded step, shard s's gradients accumulate into bank s.
  ///
  /// x: (N, in), dy: (N, out), inputGradient: (N, in).
  public func backward(
    _ dy: Tensor, input x: Tensor, into inputGradient: inout Tensor?, _ parameters: ParameterSlab
  ) {
    let n = batch(of: x.shape)
    checkPrecondition(
      dy.shape == [n, outputFeatures], "Linear.backward: dy \(dy.shape) for x \(x.shape)")
    if let shape = inputGradient?.shape {
      checkPrecondition(
        shape == x.shape, "Linear.backward: input gradient \(shape) for x \(x.shape)")
    }
    let w = parameters.valuePointer(weight)
    dy.withUnsafePointer { pdy in
      x.withUnsafePointer { px in
        for (shard, rows) in BatchShards.localSlices(n).enumerated() {
          let (shardDy, shardX) = (
            pdy + rows.lowerBound * outputFeatures, px + rows.lowerBound * inputFeatures
          )
          parameters.selectGradientBank(shard)
          BLAS.sgemm(
            .transposed, .none, m: outputFeatures, n: inputFeatures, k: rows.count, a: shardDy,
            b: shardX, beta: 1, c: parameters.gradientPointer(weight))
          if let bias {
            let db = parameters.gradientPointer(bias)
            for r in 0..<rows.count {
              for o in 0..<outputFeatures { db[o] += shardDy[r * outputFeatures + o] }
            }
          }
          inputGradient?.withUnsafeMutablePointer { pdx in
            BLAS.sgemm(
              .none, .none, m: rows.count, n: inputFeatures, k: outputFeatures, a: shardDy, b: w,
              beta: 1, c: pdx + rows.lowerBound * inputFeatures)
          }
        }
        parameters.selectGradientBank(0)
      }
    }
  }
}
