import Kernels
import TensorCore

/// Softmax over the channels at every pixel (PyTorch's `softmax(dim=1)` on NCHW).
///
/// x: (N, H, W, C) -> y: (N, H, W, C), each y[n, h, w, :] summing to 1; used to turn the 20
/// LIP parsing logits into part probabilities. Rank-2 (N, C) inputs work the same way.
public struct ChannelSoftmax: Sendable, Hashable {
  /// A channel softmax (it has no configuration).
  public init() {}

  /// x: (..., C) -> y: same shape, softmax over the last axis.
  public func forward(_ x: Tensor) -> Tensor {
    checkPrecondition(x.shape.rank >= 1, "ChannelSoftmax: \(x.shape) has no channel axis")
    let c = x.shape[x.shape.rank - 1]
    let pixels = c == 0 ? 0 : x.count / c
    var y = Tensor(shape: x.shape)
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer {
        ChannelSoftmaxKernels.forward(x: px, y: $0, pixels: pixels, channels: c)
      }
    }
    return y
  }

  /// dx += y * (dy - sum_c(dy * y)), from the forward output y. y, dy, dx: same shape.
  public func backward(_ dy: Tensor, output y: Tensor, into dx: inout Tensor) {
    checkSameShape(dy, y.shape, "ChannelSoftmax.backward dy")
    checkSameShape(dx, y.shape, "ChannelSoftmax.backward dx")
    let c = y.shape[y.shape.rank - 1]
    let pixels = c == 0 ? 0 : y.count / c
    y.withUnsafePointer { py in
      dy.withUnsafePointer { pdy in
        dx.withUnsafeMutablePointer {
          ChannelSoftmaxKernels.backwardAccumulate(
            output: py, dy: pdy, dx: $0, pixels: pixels, channels: c)
        }
      }
    }
  }
}
