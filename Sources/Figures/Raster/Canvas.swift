import ImageIO

/// A mutable RGB image to compose figures on: pasted images, filled and outlined
/// rectangles, heat map overlays. Everything drawn is clipped at the canvas edge.
public struct Canvas: Sendable {
  /// The pixels drawn so far.
  public var image: RGBImage

  /// A canvas of `width` x `height` pixels (both positive) filled with `background`.
  public init(width: Int, height: Int, background: RGBColor = .white) {
    image = RGBImage(width: width, height: height, fill: background.tuple)
  }

  /// Columns.
  public var width: Int { image.width }
  /// Rows.
  public var height: Int { image.height }

  /// Copies `source` with its top-left corner at column `x`, row `y`.
  public mutating func draw(_ source: RGBImage, x: Int, y: Int) {
    let target = PixelRect(x: x, y: y, width: source.width, height: source.height)
    guard let (columns, rows) = target.clipped(width: width, height: height) else { return }
    let count = 3 * columns.count
    for row in rows {
      let from = 3 * ((row - y) * source.width + (columns.lowerBound - x))
      let to = 3 * (row * width + columns.lowerBound)
      image.pixels.replaceSubrange(to..<(to + count), with: source.pixels[from..<(from + count)])
    }
  }

  /// Resizes `source` bilinearly to the size of `rect` and copies it there.
  public mutating func draw(_ source: RGBImage, in rect: PixelRect) {
    guard rect.clipped(width: width, height: height) != nil else { return }
    let fitted =
      source.width == rect.width && source.height == rect.height
      ? source : ImageResize.bilinear(source, width: rect.width, height: rect.height)
    draw(fitted, x: rect.x, y: rect.y)
  }

  /// Paints every pixel of `rect` with `color`.
  public mutating func fill(_ rect: PixelRect, color: RGBColor) {
    guard let (columns, rows) = rect.clipped(width: width, height: height) else { return }
    for row in rows {
      for column in columns { image[column, row] = color.tuple }
    }
  }

  /// Paints a border `thickness` pixels wide just inside the edge of `rect` (so neighbouring
  /// cells' borders never overlap), as rank lists mark correct and wrong matches.
  public mutating func stroke(_ rect: PixelRect, color: RGBColor, thickness: Int = 3) {
    guard thickness > 0, rect.width > 0, rect.height > 0 else { return }
    let t = min(thickness, rect.width, rect.height)
    let (x, y, w, h) = (rect.x, rect.y, rect.width, rect.height)
    fill(PixelRect(x: x, y: y, width: w, height: t), color: color)
    fill(PixelRect(x: x, y: y + h - t, width: w, height: t), color: color)
    fill(PixelRect(x: x, y: y, width: t, height: h), color: color)
    fill(PixelRect(x: x + w - t, y: y, width: t, height: h), color: color)
  }

  /// Encodes the canvas as PNG and writes it to `path` (temporary file and rename: never a
  /// partial file).
  /// - Throws: `FigureError.writeFailed` naming `path`.
  public func writePNG(to path: String) throws(FigureError) {
    try PNGFigure.write(image, to: path)
  }
}
