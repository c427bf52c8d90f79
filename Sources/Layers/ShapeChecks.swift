import TensorCore

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
