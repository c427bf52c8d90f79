/// The color and dash pattern of a plot's series, chosen by its index.
struct SeriesStyle {
  /// Matplotlib's "tab10" categorical palette.
  static let palette = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
  ]

  /// SVG dash arrays ("" is solid). Each pass through the palette takes the next two: a
  /// plain and a dashed variant, so series 0-9 are solid (or dashed when asked), 10-19 dotted
  /// (or dash-dotted), ... and 40 series stay distinguishable by color and pattern.
  static let dashPatterns = [
    "", "7 4", "2 3", "9 3 2 3", "14 4", "1 5", "9 3 2 3 2 3", "4 2",
  ]

  /// `#rrggbb`.
  let color: String
  /// An SVG `stroke-dasharray`, or "" for a solid line.
  let dashArray: String

  init(index: Int, dashed: Bool) {
    color = Self.palette[index % Self.palette.count]
    let pass = index / Self.palette.count
    dashArray = Self.dashPatterns[(2 * pass + (dashed ? 1 : 0)) % Self.dashPatterns.count]
  }
}
