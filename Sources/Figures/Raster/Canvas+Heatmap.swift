import ImageIO

extension Canvas {
  /// Blends a row-major heat map of values in 0...1, resized bilinearly to `rect`, over what
  /// is drawn there: `alpha * colormap(value) + (1 - alpha) * pixel`.
  /// - Parameters:
  ///   - heatmap: `height * width` values, row-major; outside 0...1 they are clamped, NaN
  ///     reads as 0.
  ///   - alpha: the opacity of the colors, clamped to 0...1.
  /// - Throws: `FigureError.heatmapShape` when the values do not fill `width` x `height`.
  public mutating func overlay(
    heatmap: [Float], width: Int, height: Int, in rect: PixelRect, colormap: ColorMap,
    alpha: Double
  ) throws(FigureError) {
    let map = try Heatmap(
      values: heatmap, width: width, height: height, colorMap: colormap, alpha: alpha)
    overlay(map, in: rect)
  }

  /// Blends `heatmap` (with its color map and alpha), resized bilinearly to `rect`, over what
  /// is drawn there.
  public mutating func overlay(_ heatmap: Heatmap, in rect: PixelRect) {
    guard let (columns, rows) = rect.clipped(width: self.width, height: self.height) else {
      return
    }
    // Clamp before resizing: a NaN would spread to its neighbours through the interpolation.
    let clean = heatmap.values.map { $0.isNaN ? 0 : min(1, max(0, $0)) }
    let resized = ImageResize.bilinear(
      clean, width: heatmap.width, height: heatmap.height, channels: 1, toWidth: rect.width,
      toHeight: rect.height)
    let alpha = heatmap.alpha.isNaN ? 0 : min(1, max(0, heatmap.alpha))
    for row in rows {
      for column in columns {
        let value = resized[(row - rect.y) * rect.width + (column - rect.x)]
        let color = heatmap.colorMap.color(at: Double(value))
        let old = image[column, row]
        image[column, row] = (
          Self.blend(color.red, over: old.0, alpha: alpha),
          Self.blend(color.green, over: old.1, alpha: alpha),
          Self.blend(color.blue, over: old.2, alpha: alpha)
        )
      }
    }
  }

  private static func blend(_ top: UInt8, over bottom: UInt8, alpha: Double) -> UInt8 {
    let value = alpha * Double(top) + (1 - alpha) * Double(bottom)
    return UInt8(min(255, max(0, value.rounded())))
  }
}
