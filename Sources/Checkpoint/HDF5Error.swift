/// A failure reading or writing an HDF5 file, naming the file, the object and what went wrong.
///
/// The description reads like `model.h5: /params/conv.weight: expected float32, found int64`.
/// `detail` keeps HDF5's own innermost message when the library reported one.
public struct HDF5Error: Error, CustomStringConvertible, Equatable, Sendable {
  /// What went wrong.
  public enum Kind: Equatable, Sendable {
    /// The file does not exist.
    case fileNotFound
    /// The file is not an HDF5 file (no HDF5 signature).
    case notHDF5
    /// The file has an HDF5 signature but cannot be opened: truncated or corrupt.
    case corruptFile
    /// The file could not be created, opened, flushed or closed.
    case fileAccess(String)
    /// The file was opened read-only and an operation tried to change it.
    case readOnly
    /// The file was closed before the operation.
    case closed
    /// No object exists at the path.
    case notFound
    /// An object already exists at the path.
    case alreadyExists
    /// The object at the path is of another kind (for example a dataset where a group was
    /// expected).
    case wrongObjectKind(expected: String, found: String)
    /// The element type on disk differs from the requested one.
    case typeMismatch(expected: String, found: String)
    /// The shape on disk or the number of values differs from the expected one.
    case shapeMismatch(expected: String, found: String)
    /// Reading data failed: a checksum mismatch or an I/O error.
    case readFailed
    /// Creating or writing an object failed.
    case writeFailed(String)
    /// Any other failure of an HDF5 call, named by the operation.
    case operationFailed(String)
  }

  /// The file path as given by the caller.
  public let file: String
  /// The object path inside the file, such as `/params/conv.weight`, or nil for the file.
  public let object: String?
  /// What went wrong.
  public let kind: Kind
  /// HDF5's innermost error message, if the library reported one.
  public let detail: String?

  /// Creates an error; `detail` is usually taken from HDF5's error stack.
  public init(file: String, object: String?, kind: Kind, detail: String? = nil) {
    self.file = file
    self.object = object
    self.kind = kind
    self.detail = detail
  }

  /// The failure in words, without the file and object names.
  public var reason: String {
    switch kind {
    case .fileNotFound: return "no such file"
    case .notHDF5: return "not an HDF5 file or truncated"
    case .corruptFile: return "HDF5 file is truncated or corrupt"
    case .fileAccess(let operation): return "cannot \(operation) the file"
    case .readOnly: return "file is open read-only"
    case .closed: return "file is closed"
    case .notFound: return "no such object"
    case .alreadyExists: return "object already exists"
    case .wrongObjectKind(let expected, let found):
      return "expected a \(expected), found a \(found)"
    case .typeMismatch(let expected, let found): return "expected \(expected), found \(found)"
    case .shapeMismatch(let expected, let found):
      return "expected shape \(expected), found \(found)"
    case .readFailed: return "checksum mismatch or read error"
    case .writeFailed(let operation): return "cannot \(operation)"
    case .operationFailed(let operation): return "\(operation) failed"
    }
  }

  /// `file: object: reason (hdf5: detail)`.
  public var description: String {
    var text = file + ": "
    if let object { text += object + ": " }
    text += reason
    if let detail, !detail.isEmpty { text += " (hdf5: \(detail))" }
    return text
  }
}
