import Checkpoint

/// A feature file that cannot be read or written, naming the file, the dataset and the fault.
///
/// The description reads like `F.h5: /query/features: NaN at row 3, column 17`.
public struct FeatureFileError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What is wrong.
  public enum Kind: Equatable, Sendable {
    /// A required group or dataset is absent.
    case missing
    /// A dataset has another element type than the format's.
    case typeMismatch(expected: String, found: String)
    /// A dataset's shape disagrees with the format or with the split's other datasets.
    case shapeMismatch(expected: String, found: String)
    /// A feature is NaN or infinite.
    case nonFinite(row: Int, column: Int, value: Float)
    /// A split has no images.
    case empty
    /// Any other HDF5 failure (file not found, not HDF5, corrupt, checksum, ...).
    case hdf5(HDF5Error)
  }

  /// The file path as given.
  public let file: String
  /// The object inside the file, such as `/query/features`, or nil for the file itself.
  public let object: String?
  /// What is wrong.
  public let kind: Kind

  /// An error about `object` in `file`.
  public init(file: String, object: String?, kind: Kind) {
    self.file = file
    self.object = object
    self.kind = kind
  }

  /// Wraps an HDF5 error, keeping the specific kinds this format names.
  init(_ error: HDF5Error) {
    switch error.kind {
    case .notFound:
      self.init(file: error.file, object: error.object, kind: .missing)
    case .typeMismatch(let expected, let found):
      self.init(
        file: error.file, object: error.object,
        kind: .typeMismatch(expected: expected, found: found))
    case .shapeMismatch(let expected, let found):
      self.init(
        file: error.file, object: error.object,
        kind: .shapeMismatch(expected: expected, found: found))
    default:
      self.init(file: error.file, object: error.object, kind: .hdf5(error))
    }
  }

  /// `file: object: reason`.
  public var description: String {
    if case .hdf5(let error) = kind { return error.description }
    var text = file + ": "
    if let object { text += object + ": " }
    switch kind {
    case .missing:
      text +=
        "missing (a feature file has groups query and gallery, each with features (N, D) "
        + "float32, pids (N) int64, camids (N) int64 and optionally paths (N) strings)"
    case .typeMismatch(let expected, let found):
      text += "expected \(expected), found \(found)"
    case .shapeMismatch(let expected, let found):
      text += "expected shape \(expected), found \(found)"
    case .nonFinite(let row, let column, let value):
      text += "\(value) at row \(row), column \(column) (features must be finite)"
    case .empty:
      text += "no images"
    case .hdf5: break
    }
    return text
  }
}
