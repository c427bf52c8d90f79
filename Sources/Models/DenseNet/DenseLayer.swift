import Kernels
import Layers
import TensorCore

/// One DenseNet layer: norm1 -> relu1 -> conv1 (1x1, to bn_size * growth) -> norm2 -> relu2 ->
/// conv2 (3x3, to growth), torchvision's `_DenseLayer` (no dropout: drop_rate 0).
///
/// It reads the first `inputChannels` channels of its dense block's concatenated buffer in
/// place (see `DenseBlock`), so it is driven by the block rather than being a `Block` itself.
/// Names: `<name>.norm1.*`, `<name>.conv1.weight`, `<name>.norm2.*`, `<name>.conv2.weight`.
struct DenseLayer: Sendable {
  let inputChannels: Int
  let growthRate: Int
  let norm1: BatchNorm2D
  let conv1: Conv2D
  let norm2: BatchNorm2D
  let conv2: Conv2D

  /// What backward needs from one layer's forward pass. conv1's input is recomputed from the
  /// block's buffer, as torchvision's `memory_efficient` mode does, so the O(L^2) normalized
  /// concatenations are never all alive at once.
  struct Cache: Sendable {
    /// norm1's per-channel mean and 1 / sqrt(var + eps), (inputChannels).
    var mean: [Float]
    var invStd: [Float]
    /// Whether norm1 normalized with batch statistics.
    var training: Bool
    /// conv1's output (N, H, W, bn_size * growth), norm2's input.
    var bottleneck: Tensor
    /// norm2's cache.
    var norm2: BatchNorm2D.Cache
    /// relu2's output (N, H, W, bn_size * growth), conv2's input.
    var activated: Tensor
  }

  init(
    _ name: String, _ slabs: ModelSlabs, inputChannels: Int, growthRate: Int,
    bottleneckWidth: Int, dilation: Int
  ) {
    self.inputChannels = inputChannels
    self.growthRate = growthRate
    norm1 = BatchNorm2D(
      "\(name).norm1", parameters: slabs.parameters, buffers: slabs.buffers,
      channels: inputChannels)
    conv1 = Conv2D(
      "\(name).conv1", in: slabs.parameters, inputChannels: inputChannels,
      outputChannels: bottleneckWidth, kernel: (1, 1))
    norm2 = BatchNorm2D(
      "\(name).norm2", parameters: slabs.parameters, buffers: slabs.buffers,
      channels: bottleneckWidth)
    conv2 = Conv2D(
      "\(name).conv2", in: slabs.parameters, inputChannels: bottleneckWidth,
      outputChannels: growthRate, kernel: (3, 3), padding: (dilation, dilation),
      dilation: (dilation, dilation))
  }

  /// norm1's statistics for this pass: the block's batch statistics of the prefix (training,
  /// which also updates the running statistics) or the running statistics (inference).
  func statistics(
    batchMean: ArraySlice<Float>, batchVariance: ArraySlice<Float>, rows: Int, training: Bool,
    _ slabs: ModelSlabs
  ) -> (mean: [Float], invStd: [Float]) {
    let rm = slabs.buffers.values(norm1.runningMean)
    let rv = slabs.buffers.values(norm1.runningVariance)
    let mean: [Float]
    let variance: [Float]
    if training {
      mean = Array(batchMean)
      variance = Array(batchVariance)
      let unbiased = rows > 1 ? Float(rows) / Float(rows - 1) : 1
      let m = norm1.momentum
      for c in 0..<inputChannels {
        rm[c] = (1 - m) * rm[c] + m * mean[c]
        rv[c] = (1 - m) * rv[c] + m * variance[c] * unbiased
      }
      slabs.buffers.values(norm1.batchesTracked)[0] += 1
    } else {
      mean = Array(rm)
      variance = Array(rv)
    }
    return (mean, variance.map { 1 / ($0 + norm1.epsilon).squareRoot() })
  }

  /// relu1(norm1(wide[..., :inputChannels])): (N, H, W, inputChannels), contiguous.
  func normalizedInput(
    _ wide: Tensor, mean: [Float], invStd: [Float], _ slabs: ModelSlabs
  ) -> Tensor {
    let d = wide.shape.dims
    let rows = d[0] * d[1] * d[2]
    let (scale, shift) = norm1.affineMap(mean: mean, invStd: invStd, parameters: slabs.parameters)
    return Tensor(shape: Shape(d[0], d[1], d[2], inputChannels)) { pa in
      wide.withUnsafePointer { pw in
        PrefixNormKernels.normalizeReLU(
          pw, stride: d[3], rows: rows, channels: inputChannels, scale: scale, shift: shift,
          into: pa)
      }
    }
  }
}
