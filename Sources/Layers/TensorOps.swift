import Kernels
import TensorCore

/// Small whole-tensor helpers over `ElementwiseKernels`: accumulate, scale, multiply.
public enum TensorOps {
  /// dst += src; both any shape with the same extents.
  public static func accumulate(into dst: inout Tensor, from src: Tensor) {
    checkSameShape(src, dst.shape, "TensorOps.accumulate")
    let count = src.count
    src.withUnsafePointer { s in
      dst.withUnsafeMutablePointer { d in ElementwiseKernels.accumulate(s, into: d, count: count) }
    }
  }

  /// dst += alpha * src; both any shape with the same extents.
  public static func accumulate(into dst: inout Tensor, from src: Tensor, scaledBy alpha: Float) {
    checkSameShape(src, dst.shape, "TensorOps.accumulate")
    let count = src.count
    src.withUnsafePointer { s in
      dst.withUnsafeMutablePointer { d in
        ElementwiseKernels.accumulate(s, scaledBy: alpha, into: d, count: count)
      }
    }
  }

  /// tensor *= alpha.
  public static func scale(_ tensor: inout Tensor, by alpha: Float) {
    let count = tensor.count
    tensor.withUnsafeMutablePointer { ElementwiseKernels.scale($0, by: alpha, count: count) }
  }

  /// a * b elementwise; same shapes.
  public static func multiply(_ a: Tensor, _ b: Tensor) -> Tensor {
    checkSameShape(b, a.shape, "TensorOps.multiply")
    var y = Tensor(shape: a.shape)
    let count = a.count
    a.withUnsafePointer { pa in
      b.withUnsafePointer { pb in
        y.withUnsafeMutablePointer { ElementwiseKernels.multiply(pa, pb, into: $0, count: count) }
      }
    }
    return y
  }

  /// The sum of all scalars in `ElementwiseKernels.sum`'s fixed order.
  public static func sum(_ tensor: Tensor) -> Float {
    let count = tensor.count
    return tensor.withUnsafePointer { ElementwiseKernels.sum($0, count: count) }
  }
}
