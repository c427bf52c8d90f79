/// Why an image file could not be read or written; every case names the file.
///
/// Decoders work on bytes that may come from memory, so the `file` is whatever name the
/// caller gave (a path for files, a label such as `"<memory>"` otherwise).
public enum ImageIOError: Error, Equatable, CustomStringConvertible {
  /// The file could not be opened or read (missing, permissions, a directory).
  case unreadable(file: String, reason: String)
  /// The bytes are not a valid image of the expected format (truncated, corrupt).
  case corrupt(file: String, reason: String)
  /// A valid image in a variant this module does not accept (for example a 16-bit or RGB
  /// PNG where an 8-bit label map was expected).
  case unsupported(file: String, reason: String)
  /// Encoding or writing failed.
  case writeFailed(file: String, reason: String)

  /// The file the error is about.
  public var file: String {
    switch self {
    case .unreadable(let file, _), .corrupt(let file, _), .unsupported(let file, _),
      .writeFailed(let file, _):
      return file
    }
  }

  /// A one-line message naming the file and what went wrong.
  public var description: String {
    switch self {
    case .unreadable(let file, let reason): return "\(file): cannot read: \(reason)"
    case .corrupt(let file, let reason): return "\(file): corrupt or truncated image: \(reason)"
    case .unsupported(let file, let reason): return "\(file): unsupported image: \(reason)"
    case .writeFailed(let file, let reason): return "\(file): cannot write image: \(reason)"
    }
  }
}
