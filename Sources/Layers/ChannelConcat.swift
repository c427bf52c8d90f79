import Kernels
import TensorCore

/// Concatenation of NHWC tensors along the channel axis (`torch.cat(dim=1)` in NCHW terms).
///
/// xs[i]: (N, H, W, Ci) -> y: (N, H, W, sum Ci). Backward splits dy and accumulates each block
/// into its input's gradient, so a tensor concatenated many times (DenseNet) sums them all.
public struct ChannelConcat: Sendable, Hashable {
  /// A channel concatenation (it has no configuration).
  public init() {}

  /// xs[i]: (N, H, W, Ci) -> y: (N, H, W, sum Ci); at least one input, same N, H, W.
  public func forward(_ xs: [Tensor]) -> Tensor {
    checkPrecondition(!xs.isEmpty, "ChannelConcat: no inputs")
    let (n, h, w, _) = nhwc(xs[0], "ChannelConcat input 0")
    var total = 0
    for (i, x) in xs.enumerated() {
      let (ni, hi, wi, ci) = nhwc(x, "ChannelConcat input \(i)")
      checkPrecondition(
        ni == n && hi == h && wi == w,
        "ChannelConcat: input \(i) is \(x.shape), input 0 is \(xs[0].shape)")
      total += ci
    }
    var y = Tensor(shape: Shape(n, h, w, total))
    let pixels = n * h * w
    var offset = 0
    for x in xs {
      let ci = x.shape[3]
      x.withUnsafePointer { px in
        y.withUnsafeMutablePointer { py in
          ChannelBlockKernels.copy(
            px, channels: ci, into: py, wideChannels: total, offset: offset, pixels: pixels)
        }
      }
      offset += ci
    }
    return y
  }

  /// dxs[i] += the channel block of dy that came from input i.
  /// dy: (N, H, W, sum Ci); dxs[i]: (N, H, W, Ci), the inputs' shapes.
  public func backward(_ dy: Tensor, into dxs: inout [Tensor]) {
    let (n, h, w, total) = nhwc(dy, "ChannelConcat.backward dy")
    var sum = 0
    for (i, dx) in dxs.enumerated() {
      let (ni, hi, wi, ci) = nhwc(dx, "ChannelConcat.backward dx \(i)")
      checkPrecondition(
        ni == n && hi == h && wi == w,
        "ChannelConcat.backward: gradient \(i) is \(dx.shape), dy is \(dy.shape)")
      sum += ci
    }
    checkPrecondition(
      sum == total, "ChannelConcat.backward: gradients hold \(sum) channels, dy is \(dy.shape)")
    let pixels = n * h * w
    var offset = 0
    for i in dxs.indices {
      let ci = dxs[i].shape[3]
      dy.withUnsafePointer { pdy in
        dxs[i].withUnsafeMutablePointer { pdx in
          ChannelBlockKernels.accumulate(
            pdy, wideChannels: total, offset: offset, into: pdx, channels: ci, pixels: pixels)
        }
      }
      offset += ci
    }
  }
}

/// Splitting of an NHWC tensor into channel blocks, the inverse of `ChannelConcat`.
///
/// x: (N, H, W, sum Ci) -> ys[i]: (N, H, W, Ci). Backward accumulates every dys[i] into its
/// block of dx.
public struct ChannelSplit: Sendable, Hashable {
  /// The channel count of each block, in order.
  public let sizes: [Int]

  /// A split into blocks of `sizes` channels (each at least 0).
  public init(sizes: [Int]) {
    checkPrecondition(sizes.allSatisfy { $0 >= 0 }, "ChannelSplit: negative block in \(sizes)")
    self.sizes = sizes
  }

  /// x: (N, H, W, sum sizes) -> ys[i]: (N, H, W, sizes[i]).
  public func forward(_ x: Tensor) -> [Tensor] {
    let (n, h, w, total) = nhwc(x, "ChannelSplit.forward x")
    checkPrecondition(
      sizes.reduce(0, +) == total, "ChannelSplit: blocks \(sizes) do not cover \(x.shape)")
    let pixels = n * h * w
    var offset = 0
    var ys: [Tensor] = []
    ys.reserveCapacity(sizes.count)
    for ci in sizes {
      var y = Tensor(shape: Shape(n, h, w, ci))
      x.withUnsafePointer { px in
        y.withUnsafeMutablePointer { py in
          ChannelBlockKernels.extract(
            px, wideChannels: total, offset: offset, into: py, channels: ci, pixels: pixels)
        }
      }
      ys.append(y)
      offset += ci
    }
    return ys
  }

  /// dx[block i] += dys[i]. dys[i]: (N, H, W, sizes[i]); dx: (N, H, W, sum sizes).
  public func backward(_ dys: [Tensor], into dx: inout Tensor) {
    let (n, h, w, total) = nhwc(dx, "ChannelSplit.backward dx")
    checkPrecondition(
      dys.count == sizes.count && sizes.reduce(0, +) == total,
      "ChannelSplit.backward: \(dys.count) gradients for blocks \(sizes), dx \(dx.shape)")
    let pixels = n * h * w
    var offset = 0
    for (i, dyi) in dys.enumerated() {
      checkSameShape(dyi, Shape(n, h, w, sizes[i]), "ChannelSplit.backward dy \(i)")
      dyi.withUnsafePointer { pdy in
        dx.withUnsafeMutablePointer { pdx in
          ChannelBlockKernels.accumulate(
            pdy, channels: sizes[i], into: pdx, wideChannels: total, offset: offset,
            pixels: pixels)
        }
      }
      offset += sizes[i]
    }
  }
}
