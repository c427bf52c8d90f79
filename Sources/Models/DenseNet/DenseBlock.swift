import Kernels
import Layers
import TensorCore

/// A DenseNet dense block (torchvision's `_DenseBlock`): each layer reads the concatenation
/// of the block input and every earlier layer's output and adds `growthRate` channels.
///
/// x: (N, H, W, C0) -> y: (N, H, W, C0 + L * growth). The concatenation is one preallocated
/// buffer y: layer l reads its prefix y[..., :C0 + l * growth] in place and writes its new
/// channels into the next slice, so no layer copies the growing concatenation (torchvision's
/// `torch.cat` per layer is O(L^2) copies). In training, each channel's batch statistics are
/// computed once, when the channel is written, and shared by every later layer's norm1 (they
/// are the same numbers).
public struct DenseBlock: Block {
  let layers: [DenseLayer]
  /// The block's input channels C0.
  public let inputChannels: Int
  /// The channels each layer adds.
  public let growthRate: Int

  /// What backward needs: every layer's cache and the block output.
  public struct Cache: Sendable {
    var layers: [DenseLayer.Cache]
    /// The block's output, the buffer every layer read.
    var output: Tensor
  }

  /// Registers `<name>.denselayer1` ... `<name>.denselayer<layerCount>`.
  public init(
    _ name: String, _ slabs: ModelSlabs, layerCount: Int, inputChannels: Int, growthRate: Int,
    bottleneckMultiplier: Int, dilation: Int = 1
  ) {
    self.inputChannels = inputChannels
    self.growthRate = growthRate
    layers = (0..<layerCount).map { i in
      DenseLayer(
        "\(name).denselayer\(i + 1)", slabs, inputChannels: inputChannels + i * growthRate,
        growthRate: growthRate, bottleneckWidth: bottleneckMultiplier * growthRate,
        dilation: dilation)
    }
  }

  /// The output channels C0 + L * growth.
  public var outputChannels: Int { inputChannels + layers.count * growthRate }

  /// x: (N, H, W, C0) -> y: (N, H, W, C0 + L * growth).
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    let (n, h, w, c0) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    checkPrecondition(
      x.shape.rank == 4 && c0 == inputChannels,
      "DenseBlock: input \(x.shape) is not (N, H, W, \(inputChannels))")
    let rows = n * h * w
    let total = outputChannels
    let training = mode == .training
    var wide = Tensor(shape: Shape(n, h, w, total))
    var batchMean: [Float] = []
    var batchVariance: [Float] = []
    batchMean.reserveCapacity(total)
    batchVariance.reserveCapacity(total)
    let profiler = Profiler.shared
    profiler.measure(.concat) { Self.write(x, into: &wide, offset: 0) }
    // The batch's row count over every shard (`BatchShards`), for the running variance.
    var batchRows = rows
    if training {
      profiler.measure(.batchNorm) {
        batchRows = Self.appendStatistics(x, mean: &batchMean, variance: &batchVariance)
      }
    }
    var caches: [DenseLayer.Cache] = []
    caches.reserveCapacity(layers.count)
    for layer in layers {
      let cin = layer.inputChannels
      let (mean, invStd) = layer.statistics(
        batchMean: batchMean.prefix(cin), batchVariance: batchVariance.prefix(cin), rows: batchRows,
        training: training, slabs)
      let a1 = profiler.measure(.batchNorm) {
        layer.normalizedInput(wide, mean: mean, invStd: invStd, slabs)
      }
      let bottleneck = layer.conv1.profiledForward(a1, slabs.parameters)
      let (a2, norm2Cache) = profiler.measure(.batchNorm) {
        layer.norm2.forward(
          bottleneck, mode: mode, parameters: slabs.parameters, buffers: slabs.buffers,
          relu: true)
      }
      let out = layer.conv2.profiledForward(a2, slabs.parameters)
      profiler.measure(.concat) { Self.write(out, into: &wide, offset: cin) }
      if training {
        profiler.measure(.batchNorm) {
          _ = Self.appendStatistics(out, mean: &batchMean, variance: &batchVariance)
        }
      }
      caches.append(
        DenseLayer.Cache(
          mean: mean, invStd: invStd, training: training, bottleneck: bottleneck,
          norm2: norm2Cache, activated: a2))
    }
    return (wide, Cache(layers: caches, output: wide))
  }

  /// Backward through the layers in reverse: each layer's slice of the wide gradient is
  /// complete once every later layer has added its norm1 input gradient to the prefix.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    checkPrecondition(
      dy.shape == cache.output.shape,
      "DenseBlock.backward: dy \(dy.shape) for output \(cache.output.shape)")
    let d = dy.shape.dims
    let (rows, total) = (d[0] * d[1] * d[2], d[3])
    var dWide = dy
    let profiler = Profiler.shared
    for (layer, layerCache) in zip(layers, cache.layers).reversed() {
      let cin = layer.inputChannels
      let dOut = profiler.measure(.concat) {
        Self.read(dWide, offset: cin, channels: growthRate)
      }
      // Input gradients into new tensors, written without zeroing them first.
      layer.conv2.profiledBackwardWeights(dOut, input: layerCache.activated, slabs.parameters)
      let gradient2 = layer.conv2.profiledInputGradient(
        dOut, inputShape: layerCache.activated.shape, slabs.parameters)
      var dBottleneck: Tensor? = Tensor(shape: layerCache.bottleneck.shape)
      profiler.measure(.batchNorm) {
        layer.norm2.backward(
          gradient2, input: layerCache.bottleneck, cache: layerCache.norm2, into: &dBottleneck,
          parameters: slabs.parameters, relu: true)
      }
      // conv1's input gradient first: it needs no input, so norm1's gradient sums can
      // recompute conv1's input a1 from the prefix as they read it (one read of the prefix
      // fewer than recomputing a1 on its own), just before conv1's weight gradient needs it.
      let gradient1 = dBottleneck ?? gradient2
      let da1 = layer.conv1.profiledInputGradient(
        gradient1, inputShape: Shape(d[0], d[1], d[2], cin), slabs.parameters)
      let (scale, shift) = layer.norm1.affineMap(
        mean: layerCache.mean, invStd: layerCache.invStd, parameters: slabs.parameters)
      let gamma = UnsafePointer(slabs.parameters.valuePointer(layer.norm1.weight))
      var sums: (sumDy: [Double], sumDyXhat: [Double], rows: Int) = ([], [], 0)
      let a1 = profiler.measure(.batchNorm) {
        // gamma's and beta's gradients per shard; the input gradient's sums over the whole
        // batch; every scalar of a1 = relu1(norm1(prefix)) on the way.
        Tensor(shape: da1.shape) { pa in
          cache.output.withUnsafePointer { pw in
            da1.withUnsafePointer { pdy in
              scale.withUnsafeBufferPointer { pscale in
                shift.withUnsafeBufferPointer { pshift in
                  sums = ShardedNormalization.gradientSums(
                    pw, stride: total, pdy, rows: rows, channels: cin, mean: layerCache.mean,
                    invStd: layerCache.invStd,
                    relu: pscale.baseAddress.flatMap { s in pshift.baseAddress.map { (s, $0) } },
                    throughStatistics: layerCache.training, parameters: slabs.parameters,
                    gamma: layer.norm1.weight, beta: layer.norm1.bias, activated: pa)
                }
              }
            }
          }
        }
      }
      layer.conv1.profiledBackwardWeights(gradient1, input: a1, slabs.parameters)
      profiler.measure(.batchNorm) {
        cache.output.withUnsafePointer { pw in
          da1.withUnsafePointer { pdy in
            dWide.withUnsafeMutablePointer { pdw in
              PrefixNormKernels.addInputGradient(
                pw, stride: total, pdy, rows: rows, channels: cin, scale: scale, shift: shift,
                mean: layerCache.mean, invStd: layerCache.invStd, gamma: gamma,
                sums: layerCache.training ? sums : nil, inputGradient: pdw)
            }
          }
        }
      }
    }
    withGradient(&dx) { g in
      checkPrecondition(g.shape == x.shape, "DenseBlock.backward: dx \(g.shape) for x \(x.shape)")
      dWide.withUnsafePointer { pw in
        g.withUnsafeMutablePointer { pg in
          ChannelBlockKernels.accumulate(
            pw, wideChannels: total, offset: 0, into: pg, channels: inputChannels, pixels: rows)
        }
      }
    }
  }

  /// Appends x's per-channel batch mean and biased variance, over every shard of the batch,
  /// to `mean` and `variance`; returns the batch's row count.
  static func appendStatistics(_ x: Tensor, mean: inout [Float], variance: inout [Float]) -> Int {
    let channels = x.shape[3]
    let (batchMean, batchVariance, rows) = x.withUnsafePointer {
      ShardedNormalization.statistics($0, rows: x.count / max(channels, 1), channels: channels)
    }
    mean += batchMean
    variance += batchVariance
    return rows
  }

  /// (N, H, W, C0 + L * growth).
  public func outputShape(for shape: Shape) -> Shape {
    Shape(shape[0], shape[1], shape[2], outputChannels)
  }

  /// wide[..., offset ..< offset + channels] as a contiguous (N, H, W, channels) tensor.
  static func read(_ wide: Tensor, offset: Int, channels: Int) -> Tensor {
    let d = wide.shape.dims
    return Tensor(shape: Shape(d[0], d[1], d[2], channels)) { pn in
      wide.withUnsafePointer { pw in
        ChannelBlockKernels.extract(
          pw, wideChannels: d[3], offset: offset, into: pn, channels: channels,
          pixels: d[0] * d[1] * d[2])
      }
    }
  }

  /// wide[..., offset ..< offset + C] = narrow.
  static func write(_ narrow: Tensor, into wide: inout Tensor, offset: Int) {
    let (pixels, channels, wideChannels) = (
      narrow.count / max(narrow.shape[3], 1), narrow.shape[3], wide.shape[3]
    )
    narrow.withUnsafePointer { pn in
      wide.withUnsafeMutablePointer { pw in
        ChannelBlockKernels.copy(
          pn, channels: channels, into: pw, wideChannels: wideChannels, offset: offset,
          pixels: pixels)
      }
    }
  }
}
