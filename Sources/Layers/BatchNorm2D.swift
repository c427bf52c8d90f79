import Kernels
import TensorCore

/// Batch normalization over the channels of an NHWC batch, with PyTorch's semantics.
///
/// x: (N, H, W, C) -> y: (N, H, W, C); weight (gamma) and bias (beta): (C), in the parameter
/// slab; running_mean, running_var: (C) and num_batches_tracked: (1), in the buffer slab.
/// Training normalizes with the batch mean and biased variance and updates the running
/// statistics as running = (1 - momentum) * running + momentum * batch, with the *unbiased*
/// batch variance (M / (M - 1)), as `torch.nn.BatchNorm2d` does. Inference uses the running
/// statistics.
public struct BatchNorm2D: Sendable {
  public let channels: Int
  /// Added to the variance before the square root (PyTorch 1e-5; Inception-V3 uses 1e-3).
  public let epsilon: Float
  /// The running-statistics momentum (PyTorch 0.1).
  public let momentum: Float
  public let weight: ParameterID
  public let bias: ParameterID
  public let runningMean: ParameterID
  public let runningVariance: ParameterID
  public let batchesTracked: ParameterID

  /// What backward needs from a forward pass: the statistics that normalized the batch.
  public struct Cache: Sendable {
    /// The mean used to normalize, (C).
    public var mean: [Float]
    /// 1 / sqrt(variance + epsilon) used to normalize, (C).
    public var invStd: [Float]
    /// The mode of the forward pass.
    public var mode: LayerMode
  }

  /// Registers `<name>.weight`, `<name>.bias` (parameters) and `<name>.running_mean`,
  /// `<name>.running_var`, `<name>.num_batches_tracked` (buffers), initialized as PyTorch does
  /// (gamma 1, beta 0, mean 0, variance 1).
  public init(
    _ name: String, parameters: ParameterSlab, buffers: ParameterSlab, channels: Int,
    epsilon: Float = 1e-5, momentum: Float = 0.1
  ) {
    self.channels = channels
    self.epsilon = epsilon
    self.momentum = momentum
    weight = parameters.register("\(name).weight", shape: [channels])
    bias = parameters.register("\(name).bias", shape: [channels])
    runningMean = buffers.register("\(name).running_mean", shape: [channels])
    runningVariance = buffers.register("\(name).running_var", shape: [channels])
    batchesTracked = buffers.register("\(name).num_batches_tracked", shape: [1])
    parameters.values(weight).update(repeating: 1)
    buffers.values(runningVariance).update(repeating: 1)
  }

  private func rows(of shape: Shape) -> Int {
    checkPrecondition(
      shape.rank >= 2 && shape.dims.last == channels,
      "BatchNorm2D: input \(shape) does not end in \(channels) channels")
    return shape.count / channels
  }

  /// The normalization with these statistics as one affine map per channel:
  /// y = x * scale + shift, scale = gamma * invstd, shift = beta - mean * scale.
  public func affineMap(mean: [Float], invStd: [Float], parameters: ParameterSlab) -> (
    scale: [Float], shift: [Float]
  ) {
    let gamma = parameters.values(weight)
    let beta = parameters.values(bias)
    var scale = [Float](repeating: 0, count: channels)
    var shift = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
      scale[c] = gamma[c] * invStd[c]
      shift[c] = beta[c] - mean[c] * scale[c]
    }
    return (scale, shift)
  }

  /// Normalizes x (N, H, W, C), then applies a ReLU in the same pass when `relu`; in training
  /// also updates the running statistics in `buffers`.
  public func forward(
    _ x: Tensor, mode: LayerMode, parameters: ParameterSlab, buffers: ParameterSlab,
    relu: Bool = false
  ) -> (output: Tensor, cache: Cache) {
    let m = rows(of: x.shape)
    var mean = [Float](repeating: 0, count: channels)
    var variance = [Float](repeating: 0, count: channels)
    switch mode {
    case .training:
      // Over every shard of the step's global batch (`BatchShards`): one shard unless sharded.
      let (batchMean, batchVariance, total) = x.withUnsafePointer { px in
        ShardedNormalization.statistics(px, rows: m, channels: channels)
      }
      (mean, variance) = (batchMean, batchVariance)
      let rm = buffers.values(runningMean)
      let rv = buffers.values(runningVariance)
      let unbiased = total > 1 ? Float(total) / Float(total - 1) : 1
      for c in 0..<channels {
        rm[c] = (1 - momentum) * rm[c] + momentum * mean[c]
        rv[c] = (1 - momentum) * rv[c] + momentum * variance[c] * unbiased
      }
      buffers.values(batchesTracked)[0] += 1
    case .inference:
      mean = Array(buffers.values(runningMean))
      variance = Array(buffers.values(runningVariance))
    }
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let (scale, shift) = affineMap(mean: mean, invStd: invStd, parameters: parameters)
    let y = Tensor(shape: x.shape) { py in
      x.withUnsafePointer { px in
        BatchNormKernels.affine(
          px, rows: m, channels: channels, scale: scale, shift: shift, relu: relu, output: py)
      }
    }
    return (y, Cache(mean: mean, invStd: invStd, mode: mode))
  }

  /// Accumulates the gradients of gamma and beta and, when `inputGradient` is non-nil, of x.
  ///
  /// x, dy, inputGradient: (N, H, W, C). A training-mode cache differentiates through the
  /// batch statistics; an inference-mode one treats the statistics as constants. With `relu`
  /// (as the forward pass had it), dy is the gradient of the ReLU's output.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into inputGradient: inout Tensor?,
    parameters: ParameterSlab, relu: Bool = false
  ) {
    let m = rows(of: x.shape)
    checkPrecondition(dy.shape == x.shape, "BatchNorm2D.backward: dy \(dy.shape) for x \(x.shape)")
    if let shape = inputGradient?.shape {
      checkPrecondition(
        shape == x.shape, "BatchNorm2D.backward: input gradient \(shape) for x \(x.shape)")
    }
    let gamma = UnsafePointer(parameters.valuePointer(weight))
    let (scale, shift) =
      relu ? affineMap(mean: cache.mean, invStd: cache.invStd, parameters: parameters) : ([], [])
    scale.withUnsafeBufferPointer { pscale in
      shift.withUnsafeBufferPointer { pshift in
        var mask: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)? = nil
        if relu, let scale = pscale.baseAddress, let shift = pshift.baseAddress {
          mask = (scale, shift)
        }
        x.withUnsafePointer { px in
          dy.withUnsafePointer { pdy in
            // gamma's and beta's gradients, per shard into each shard's bank; in training
            // the sums over the whole batch that the input gradient needs.
            let training = cache.mode == .training
            let sums = ShardedNormalization.gradientSums(
              px, stride: channels, pdy, rows: m, channels: channels, mean: cache.mean,
              invStd: cache.invStd, relu: mask, throughStatistics: training,
              parameters: parameters, gamma: weight, beta: bias)
            guard inputGradient != nil else { return }
            inputGradient?.withUnsafeMutablePointer { pdx in
              if training {
                BatchNormKernels.addTrainingInputGradient(
                  px, pdy, rows: m, channels: channels, mean: cache.mean, invStd: cache.invStd,
                  gamma: gamma, relu: mask, sumDy: sums.sumDy, sumDyXhat: sums.sumDyXhat,
                  batchRows: sums.rows, inputGradient: pdx)
              } else {
                BatchNormKernels.backwardInference(
                  px, pdy, rows: m, channels: channels, mean: cache.mean, invStd: cache.invStd,
                  gamma: gamma, relu: mask, inputGradient: pdx, gammaGradient: nil,
                  betaGradient: nil)
              }
            }
          }
        }
      }
    }
  }
}
