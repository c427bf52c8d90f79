/// A row-major map of values in 0...1 drawn in color over an image (an attention map, a
/// saliency map).
public struct Heatmap: Sendable {
  /// `height * width` values, row-major; outside 0...1 they are clamped, NaN reads as 0.
  public let values: [Float]
  /// Columns.
  public let width: Int
  /// Rows.
  public let height: Int
  /// How a value becomes a color.
  public var colorMap: ColorMap
  /// The opacity of the colors over the image: 0 leaves the image, 1 replaces it.
  public var alpha: Double

  /// A heat map over `values`.
  /// - Throws: `FigureError.heatmapShape` unless `values.count == width * height` and both
  ///   sides are positive.
  public init(
    values: [Float], width: Int, height: Int, colorMap: ColorMap = .jet, alpha: Double = 0.5
  ) throws(FigureError) {
    let product = width.multipliedReportingOverflow(by: height)
    guard width > 0, height > 0, !product.overflow, product.partialValue == values.count else {
      throw .heatmapShape(values: values.count, width: width, height: height)
    }
    self.values = values
    self.width = width
    self.height = height
    self.colorMap = colorMap
    self.alpha = alpha
  }
}
