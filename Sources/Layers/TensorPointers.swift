import TensorCore

extension Tensor {
  /// Calls `body` with the address of the first scalar (valid for the call only).
  ///
  /// A tensor's storage always has an address, even when it holds no scalars.
  func withScalarPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
    try withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else {
        preconditionFailure("Tensor \(shape): storage without an address")
      }
      return try body(base)
    }
  }

  /// Calls `body` with the mutable address of the first scalar, copying shared storage first.
  mutating func withMutableScalarPointer<R>(
    _ body: (UnsafeMutablePointer<Float>) throws -> R
  ) rethrows -> R {
    let shape = self.shape
    return try withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else {
        preconditionFailure("Tensor \(shape): storage without an address")
      }
      return try body(base)
    }
  }
}

/// Checks that a tensor is (N, H, W, C) and returns its four extents.
@inline(__always)
func nhwc(_ tensor: Tensor, _ what: String) -> (n: Int, h: Int, w: Int, c: Int) {
  let d = tensor.shape.dims
  checkPrecondition(d.count == 4, "\(what): \(tensor.shape) is not (N, H, W, C)")
  return (d[0], d[1], d[2], d[3])
}

/// Checks that a gradient has the shape of the tensor it belongs to.
@inline(__always)
func checkSameShape(_ gradient: Tensor, _ expected: Shape, _ what: String) {
  checkPrecondition(
    gradient.shape == expected, "\(what): gradient \(gradient.shape), expected \(expected)")
}
