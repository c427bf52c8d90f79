import TensorCore

/// An 8-bit label map (one class index per pixel), rows top to bottom.
///
/// labels: (height, width) row-major. Read from gray or palette PNGs: the stored byte (gray
/// value or palette index) is the label.
public struct LabelMap: Sendable, Equatable {
  /// Columns.
  public let width: Int
  /// Rows.
  public let height: Int
  /// `height * width` labels, row-major.
  public var labels: [UInt8]

  /// A map of the given size filled with one label.
  public init(width: Int, height: Int, fill: UInt8 = 0) {
    checkPrecondition(width > 0 && height > 0, "LabelMap: size \(width)x\(height) must be positive")
    self.width = width
    self.height = height
    labels = [UInt8](repeating: fill, count: width * height)
  }

  /// A map over existing labels.
  public init(width: Int, height: Int, labels: [UInt8]) {
    checkPrecondition(
      width > 0 && height > 0 && labels.count == width * height,
      "LabelMap: \(labels.count) labels for \(width)x\(height)")
    self.width = width
    self.height = height
    self.labels = labels
  }

  /// The label at column `x`, row `y`.
  public subscript(x: Int, y: Int) -> UInt8 {
    get { labels[y * width + x] }
    set { labels[y * width + x] = newValue }
  }
}
