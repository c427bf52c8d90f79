import Kernels
import TensorCore

/// The rectifier max(x, 0), elementwise over a tensor of any shape.
///
/// x: (N, H, W, C) or any shape -> y: same shape. relu'(0) = 0, as PyTorch.
public struct ReLU: Sendable, Hashable {
  /// A ReLU (it has no configuration).
  public init() {}

  /// y = max(x, 0). x: any shape -> y: same shape.
  public func forward(_ x: Tensor) -> Tensor {
    let count = x.count
    return Tensor(shape: x.shape) { py in
      x.withUnsafePointer { px in ElementwiseKernels.reluForward(px, py, count: count) }
    }
  }

  /// dx += dy where y > 0, from the forward output y. y, dy, dx: same shape.
  public func backward(_ dy: Tensor, output y: Tensor, into dx: inout Tensor) {
    checkSameShape(dy, y.shape, "ReLU.backward dy")
    checkSameShape(dx, y.shape, "ReLU.backward dx")
    let count = y.count
    y.withUnsafePointer { py in
      dy.withUnsafePointer { pdy in
        dx.withUnsafeMutablePointer {
          ElementwiseKernels.reluBackwardAccumulate(output: py, pdy, $0, count: count)
        }
      }
    }
  }
}
