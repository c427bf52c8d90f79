import Kernels
import TensorCore

/// Global average pooling: the mean over the spatial axes.
///
/// x: (N, H, W, C) -> y: (N, C). The same as `adaptive_avg_pool2d(x, 1)` then flatten.
public struct GlobalAvgPool2D: Sendable, Hashable {
  /// A global average pool (it has no configuration).
  public init() {}

  /// x: (N, H, W, C) -> y: (N, C).
  public func forward(_ x: Tensor) -> Tensor {
    let (n, h, w, c) = nhwc(x, "GlobalAvgPool2D.forward x")
    checkPrecondition(h * w > 0, "GlobalAvgPool2D: \(x.shape) has no pixels")
    var y = Tensor(shape: Shape(n, c))
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer { py in
        GlobalPoolingKernels.averageForward(x: px, y: py, batch: n, pixels: h * w, channels: c)
      }
    }
    return y
  }

  /// dx += dy / (H * W) at every pixel. dy: (N, C); dx: (N, H, W, C).
  public func backward(_ dy: Tensor, into dx: inout Tensor) {
    let (n, h, w, c) = nhwc(dx, "GlobalAvgPool2D.backward dx")
    checkSameShape(dy, Shape(n, c), "GlobalAvgPool2D.backward dy")
    dy.withUnsafePointer { pdy in
      dx.withUnsafeMutablePointer { pdx in
        GlobalPoolingKernels.averageBackwardAccumulate(
          dy: pdy, dx: pdx, batch: n, pixels: h * w, channels: c)
      }
    }
  }
}

/// What global max pooling's backward needs: the input shape and the argmax per channel.
public struct GlobalMaxPoolCache: Sendable {
  /// The forward input's shape (N, H, W, C).
  public let inputShape: Shape
  /// argmax: (N, C), the spatial index h * W + w of each maximum.
  public let argmax: [Int32]
}

/// Global max pooling: the maximum over the spatial axes.
///
/// x: (N, H, W, C) -> y: (N, C). Ties keep the first pixel in scan order, as PyTorch.
public struct GlobalMaxPool2D: Sendable, Hashable {
  /// A global max pool (it has no configuration).
  public init() {}

  /// x: (N, H, W, C) -> y: (N, C), and the argmax cache for backward.
  public func forward(_ x: Tensor) -> (output: Tensor, cache: GlobalMaxPoolCache) {
    let (n, h, w, c) = nhwc(x, "GlobalMaxPool2D.forward x")
    checkPrecondition(
      h * w > 0 && h * w <= Int(Int32.max), "GlobalMaxPool2D: \(x.shape) pixels out of range")
    var y = Tensor(shape: Shape(n, c))
    var argmax = [Int32](repeating: 0, count: n * c)
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer { py in
        argmax.withUnsafeMutableBufferPointer { pa in
          guard let a = pa.baseAddress else { return }
          GlobalPoolingKernels.maxForward(
            x: px, y: py, argmax: a, batch: n, pixels: h * w, channels: c)
        }
      }
    }
    return (y, GlobalMaxPoolCache(inputShape: x.shape, argmax: argmax))
  }

  /// dx[n, argmax[n, c], c] += dy[n, c]. dy: (N, C); dx: (N, H, W, C).
  public func backward(_ dy: Tensor, cache: GlobalMaxPoolCache, into dx: inout Tensor) {
    checkSameShape(dx, cache.inputShape, "GlobalMaxPool2D.backward dx")
    let (n, h, w, c) = nhwc(dx, "GlobalMaxPool2D.backward dx")
    checkSameShape(dy, Shape(n, c), "GlobalMaxPool2D.backward dy")
    dy.withUnsafePointer { pdy in
      dx.withUnsafeMutablePointer { pdx in
        cache.argmax.withUnsafeBufferPointer { pa in
          guard let a = pa.baseAddress else { return }
          GlobalPoolingKernels.maxBackwardAccumulate(
            dy: pdy, argmax: a, dx: pdx, batch: n, pixels: h * w, channels: c)
        }
      }
    }
  }
}
