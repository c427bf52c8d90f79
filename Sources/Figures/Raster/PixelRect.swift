/// A rectangle of whole pixels: its top-left corner and its size.
public struct PixelRect: Sendable, Hashable {
  /// Column of the left edge (may be negative: drawing clips at the canvas edge).
  public var x: Int
  /// Row of the top edge (may be negative).
  public var y: Int
  /// Columns covered; zero or less covers nothing.
  public var width: Int
  /// Rows covered; zero or less covers nothing.
  public var height: Int

  /// A rectangle from its top-left corner and size.
  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  /// The part inside a `width` x `height` image as half-open column and row ranges, or nil
  /// when nothing is inside.
  func clipped(width imageWidth: Int, height imageHeight: Int) -> (
    columns: Range<Int>, rows: Range<Int>
  )? {
    guard width > 0, height > 0 else { return nil }
    // Saturating ends: a rectangle near Int.max must clip, not overflow.
    let right = x.addingReportingOverflow(width)
    let bottom = y.addingReportingOverflow(height)
    let x1 = right.overflow ? imageWidth : min(imageWidth, right.partialValue)
    let y1 = bottom.overflow ? imageHeight : min(imageHeight, bottom.partialValue)
    let x0 = max(0, x)
    let y0 = max(0, y)
    guard x0 < x1, y0 < y1 else { return nil }
    return (x0..<x1, y0..<y1)
  }
}
