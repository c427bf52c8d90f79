/// The extents of a tensor, outermost first.
///
/// Activations are NHWC throughout the project (see docs/layout.md); a shape does not know
/// its layout, so every signature states it in a comment.
public struct Shape: Hashable, Sendable, Codable, CustomStringConvertible,
  ExpressibleByArrayLiteral
{
  /// The extent of each dimension, outermost first.
  public let dims: [Int]

  /// Creates a shape; every extent must be non-negative.
  public init(_ dims: [Int]) {
    for d in dims {
      checkPrecondition(d >= 0, "Shape: negative extent in \(dims)")
    }
    self.dims = dims
  }

  /// Creates a shape from its extents.
  public init(_ dims: Int...) { self.init(dims) }

  public init(arrayLiteral elements: Int...) { self.init(elements) }

  /// The number of dimensions.
  public var rank: Int { dims.count }

  /// The number of scalars, the product of the extents (1 for rank 0).
  public var count: Int { dims.reduce(1, *) }

  /// The extent of dimension `axis`.
  public subscript(axis: Int) -> Int { dims[axis] }

  /// Row-major strides in scalars.
  public var strides: [Int] {
    var result = [Int](repeating: 1, count: dims.count)
    var stride = 1
    for axis in dims.indices.reversed() {
      result[axis] = stride
      stride *= dims[axis]
    }
    return result
  }

  /// The flat row-major offset of a multi-index; each index must be in range.
  public func offset(of index: [Int]) -> Int {
    checkPrecondition(index.count == dims.count, "Shape \(self): index \(index) has the wrong rank")
    var offset = 0
    for (axis, i) in index.enumerated() {
      checkPrecondition(i >= 0 && i < dims[axis], "Shape \(self): index \(index) out of range")
      offset = offset * dims[axis] + i
    }
    return offset
  }

  public var description: String { "(" + dims.map(String.init).joined(separator: ", ") + ")" }
}
