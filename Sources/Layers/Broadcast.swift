import Kernels
import TensorCore

/// The shape of `tensor` as (N, H, W, C): rank 4 as is, rank 2 (N, D) as (N, 1, 1, D).
func broadcastDims(_ tensor: Tensor, _ what: String) -> [Int] {
  let d = tensor.shape.dims
  switch d.count {
  case 4: return d
  case 2: return [d[0], 1, 1, d[1]]
  default: preconditionFailure("\(what): \(tensor.shape) is neither (N, H, W, C) nor (N, D)")
  }
}

/// Elementwise a * b where b broadcasts over a: each of b's extents equals a's or is 1.
///
/// a: (N, H, W, C), b: (N|1, H|1, W|1, C|1) -> y: (N, H, W, C). For example a part mask
/// (N, H, W, 1) times features, or a channel attention (N, 1, 1, C) times features. Rank-2
/// tensors (N, D) act as (N, 1, 1, D).
public struct BroadcastMultiply: Sendable, Hashable {
  /// A broadcast multiply (it has no configuration).
  public init() {}

  /// y = a * b. a: (N, H, W, C); b broadcasts to it -> y: a's shape.
  public func forward(_ a: Tensor, _ b: Tensor) -> Tensor {
    let g = BroadcastGeometry(
      aShape: broadcastDims(a, "BroadcastMultiply a"),
      bShape: broadcastDims(b, "BroadcastMultiply b"))
    var y = Tensor(shape: a.shape)
    a.withUnsafePointer { pa in
      b.withUnsafePointer { pb in
        y.withUnsafeMutablePointer { BroadcastKernels.multiply(g, a: pa, b: pb, y: $0) }
      }
    }
    return y
  }

  /// da += dy * b; db += dy * a summed over b's broadcast axes.
  /// dy, da: a's shape; db: b's shape.
  public func backward(
    _ dy: Tensor, a: Tensor, b: Tensor, intoA da: inout Tensor, intoB db: inout Tensor
  ) {
    let g = BroadcastGeometry(
      aShape: broadcastDims(a, "BroadcastMultiply a"),
      bShape: broadcastDims(b, "BroadcastMultiply b"))
    checkSameShape(dy, a.shape, "BroadcastMultiply.backward dy")
    checkSameShape(da, a.shape, "BroadcastMultiply.backward da")
    checkSameShape(db, b.shape, "BroadcastMultiply.backward db")
    dy.withUnsafePointer { pdy in
      a.withUnsafePointer { pa in
        b.withUnsafePointer { pb in
          da.withUnsafeMutablePointer { pda in
            db.withUnsafeMutablePointer { pdb in
              BroadcastKernels.multiplyBackwardAccumulate(
                g, dy: pdy, a: pa, b: pb, da: pda, db: pdb)
            }
          }
        }
      }
    }
  }
}

/// Elementwise a + b where b broadcasts over a: each of b's extents equals a's or is 1.
///
/// a: (N, H, W, C), b: (N|1, H|1, W|1, C|1) -> y: (N, H, W, C). Rank-2 tensors (N, D) act as
/// (N, 1, 1, D).
public struct BroadcastAdd: Sendable, Hashable {
  /// A broadcast add (it has no configuration).
  public init() {}

  /// y = a + b. a: (N, H, W, C); b broadcasts to it -> y: a's shape.
  public func forward(_ a: Tensor, _ b: Tensor) -> Tensor {
    let g = BroadcastGeometry(
      aShape: broadcastDims(a, "BroadcastAdd a"), bShape: broadcastDims(b, "BroadcastAdd b"))
    var y = Tensor(shape: a.shape)
    a.withUnsafePointer { pa in
      b.withUnsafePointer { pb in
        y.withUnsafeMutablePointer { BroadcastKernels.add(g, a: pa, b: pb, y: $0) }
      }
    }
    return y
  }

  /// da += dy; db += dy summed over b's broadcast axes. dy, da: a's shape; db: b's shape.
  public func backward(_ dy: Tensor, intoA da: inout Tensor, intoB db: inout Tensor) {
    let g = BroadcastGeometry(
      aShape: broadcastDims(da, "BroadcastAdd da"), bShape: broadcastDims(db, "BroadcastAdd db"))
    checkSameShape(dy, da.shape, "BroadcastAdd.backward dy")
    dy.withUnsafePointer { pdy in
      da.withUnsafeMutablePointer { pda in
        db.withUnsafeMutablePointer { pdb in
          BroadcastKernels.addBackwardAccumulate(g, dy: pdy, da: pda, db: pdb)
        }
      }
    }
  }
}
