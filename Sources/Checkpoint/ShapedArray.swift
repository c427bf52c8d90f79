import TensorCore

/// Values read from a dataset in row-major order, with the dataset's shape.
public struct ShapedArray<Element: Sendable>: Sendable {
  /// The extents of the dataset, outermost first (empty for a scalar dataset).
  public let shape: Shape
  /// The values in row-major order; `values.count == shape.count`.
  public let values: [Element]

  /// Creates a shaped array; the number of values must match the shape.
  public init(shape: Shape, values: [Element]) {
    checkPrecondition(
      values.count == shape.count,
      "ShapedArray: \(values.count) values for shape \(shape) (\(shape.count) expected)")
    self.shape = shape
    self.values = values
  }
}

extension ShapedArray: Equatable where Element: Equatable {}
