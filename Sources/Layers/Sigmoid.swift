import Kernels
import TensorCore

/// The logistic function 1 / (1 + exp(-x)), elementwise over a tensor of any shape.
///
/// x: (N, H, W, C) or any shape -> y: same shape. Backward needs only the output.
public struct Sigmoid: Sendable, Hashable {
  /// A sigmoid (it has no configuration).
  public init() {}

  /// y = 1 / (1 + exp(-x)). x: any shape -> y: same shape.
  public func forward(_ x: Tensor) -> Tensor {
    var y = Tensor(shape: x.shape)
    let count = x.count
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer { ElementwiseKernels.sigmoidForward(px, $0, count: count) }
    }
    return y
  }

  /// dx += dy * (1 - y) * y, from the forward output y. y, dy, dx: same shape.
  public func backward(_ dy: Tensor, output y: Tensor, into dx: inout Tensor) {
    checkSameShape(dy, y.shape, "Sigmoid.backward dy")
    checkSameShape(dx, y.shape, "Sigmoid.backward dx")
    let count = y.count
    y.withUnsafePointer { py in
      dy.withUnsafePointer { pdy in
        dx.withUnsafeMutablePointer {
          ElementwiseKernels.sigmoidBackwardAccumulate(output: py, pdy, $0, count: count)
        }
      }
    }
  }
}
