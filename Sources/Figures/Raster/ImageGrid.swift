import ImageIO

/// Rows of equally sized image cells with padding between them: rank lists (a query, then
/// its gallery matches with correct ones outlined green and wrong ones red), attention maps,
/// parsing results side by side.
///
/// Every cell is `cellWidth` x `cellHeight`; images of another size are resized bilinearly.
/// Rows may have different lengths; the image is as wide as the longest row.
public struct ImageGrid: Sendable {
  /// One cell: an image, optionally outlined and optionally under a heat map.
  public struct Cell: Sendable {
    /// The picture, resized to the cell.
    public var image: RGBImage
    /// The color of a border drawn inside the cell's edge, or nil for none.
    public var border: RGBColor?
    /// A heat map blended over the picture (under the border), or nil for none.
    public var heatmap: Heatmap?

    /// A cell showing `image`.
    public init(_ image: RGBImage, border: RGBColor? = nil, heatmap: Heatmap? = nil) {
      self.image = image
      self.border = border
      self.heatmap = heatmap
    }
  }

  /// Columns of every cell.
  public var cellWidth: Int
  /// Rows of every cell.
  public var cellHeight: Int
  /// Pixels between cells, between rows and around the whole grid.
  public var padding: Int
  /// The color between cells.
  public var background: RGBColor
  /// Width of cell borders.
  public var borderThickness = 3
  /// Index of the column after which `gapWidth` extra pixels separate the cells (a query from
  /// its gallery results), or nil for no gap.
  public var gapAfterColumn: Int?
  /// Extra pixels after `gapAfterColumn`.
  public var gapWidth = 16
  /// The cells, top row first.
  public private(set) var rows: [[Cell]] = []

  /// An empty grid of `cellWidth` x `cellHeight` cells.
  public init(cellWidth: Int, cellHeight: Int, padding: Int = 4, background: RGBColor = .white) {
    self.cellWidth = cellWidth
    self.cellHeight = cellHeight
    self.padding = padding
    self.background = background
  }

  /// Appends a row below the others.
  public mutating func add(row: [Cell]) {
    rows.append(row)
  }

  /// The rectangle of the cell in `row`, `column` in the rendered image.
  public func cellRect(row: Int, column: Int) -> PixelRect {
    let gap = gapAfterColumn.map { column > $0 ? max(0, gapWidth) : 0 } ?? 0
    let pad = max(0, padding)
    return PixelRect(
      x: pad + column * (cellWidth + pad) + gap, y: pad + row * (cellHeight + pad),
      width: cellWidth, height: cellHeight)
  }

  /// Draws every cell.
  /// - Throws: `FigureError.invalidGrid` when there are no cells or a cell side is not
  ///   positive.
  public func render() throws(FigureError) -> RGBImage {
    guard cellWidth > 0, cellHeight > 0 else {
      throw .invalidGrid(reason: "cell size \(cellWidth)x\(cellHeight) is not positive")
    }
    let columns = rows.map(\.count).max() ?? 0
    guard columns > 0 else { throw .invalidGrid(reason: "no cells to draw") }
    let pad = max(0, padding)
    let lastCell = cellRect(row: rows.count - 1, column: columns - 1)
    var canvas = Canvas(
      width: lastCell.x + cellWidth + pad, height: lastCell.y + cellHeight + pad,
      background: background)
    for (r, row) in rows.enumerated() {
      for (c, cell) in row.enumerated() {
        let rect = cellRect(row: r, column: c)
        canvas.draw(cell.image, in: rect)
        if let heatmap = cell.heatmap { canvas.overlay(heatmap, in: rect) }
        if let border = cell.border {
          canvas.stroke(rect, color: border, thickness: borderThickness)
        }
      }
    }
    return canvas.image
  }

  /// Renders the grid and writes it as PNG to `path` (temporary file and rename).
  /// - Throws: `FigureError.invalidGrid` or `.writeFailed`.
  public func writePNG(to path: String) throws(FigureError) {
    try PNGFigure.write(render(), to: path)
  }
}
