/// Why a figure could not be built or written; every case says what was wrong.
public enum FigureError: Error, Equatable, CustomStringConvertible {
  /// Writing the file failed (folder missing, permissions, disk full, an encoder error).
  case writeFailed(file: String, reason: String)
  /// A heat map's value count is not its width times its height, or a side is not positive.
  case heatmapShape(values: Int, width: Int, height: Int)
  /// An image grid that cannot be laid out (no rows, or a cell size that is not positive).
  case invalidGrid(reason: String)

  /// A one-line message.
  public var description: String {
    switch self {
    case .writeFailed(let file, let reason): return "\(file): cannot write figure: \(reason)"
    case .heatmapShape(let values, let width, let height):
      return "a heat map of \(values) values cannot be \(width)x\(height)"
    case .invalidGrid(let reason): return "image grid: \(reason)"
    }
  }
}
