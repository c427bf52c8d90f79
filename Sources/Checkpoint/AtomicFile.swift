import Glibc
import TensorCore

/// A failed file-system call during an atomic write, naming the path and the call.
public struct AtomicFileError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The path the call was about.
  public let path: String
  /// The operation that failed, such as `fsync` or `rename`.
  public let operation: String
  /// The `errno` value.
  public let code: Int32

  /// Creates an error for a failed call.
  public init(path: String, operation: String, code: Int32) {
    self.path = path
    self.operation = operation
    self.code = code
  }

  /// `path: operation failed: reason`.
  public var description: String {
    "\(path): \(operation) failed: \(String(cString: strerror(code)))"
  }
}

/// Atomic replacement of a file: write a temporary file in the same directory, sync it,
/// rename it over the destination, and sync the directory.
///
/// A reader sees either the old file or the complete new one, also after a crash or power
/// loss. The temporary file is `.NAME.tmp-PID` next to the destination.
public enum AtomicFile {
  /// The temporary path used while writing `path`: `DIR/.NAME.tmp-PID`.
  public static func temporaryPath(for path: String) -> String {
    let (directory, name) = split(path)
    let separator = directory.hasSuffix("/") ? "" : "/"
    return directory + separator + "." + name + ".tmp-\(getpid())"
  }

  /// Replaces `path` atomically with the file that `body` writes at the temporary path it
  /// is given.
  ///
  /// `body` must create the file and close it before returning. If `body` throws, the
  /// temporary file is removed and `path` is left unchanged.
  ///
  /// - Parameter body: writes the complete file at the temporary path it receives.
  /// - Returns: what `body` returns.
  /// - Throws: what `body` throws, or `AtomicFileError` if syncing or renaming fails.
  @discardableResult
  public static func write<R>(to path: String, _ body: (String) throws -> R) throws -> R {
    let (directory, _) = split(path)
    let temporary = temporaryPath(for: path)
    _ = unlink(temporary)
    do {
      let result = try body(temporary)
      try sync(temporary, directory: false)
      if rename(temporary, path) != 0 {
        throw AtomicFileError(path: path, operation: "rename", code: errno)
      }
      try sync(directory, directory: true)
      return result
    } catch {
      _ = unlink(temporary)
      throw error
    }
  }

  /// Flushes a file or directory to stable storage.
  private static func sync(_ path: String, directory: Bool) throws {
    let descriptor = open(path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY)
    guard descriptor >= 0 else {
      throw AtomicFileError(path: path, operation: "open", code: errno)
    }
    defer { _ = close(descriptor) }
    // Some file systems cannot sync directories (EINVAL); the rename is then as durable as
    // they make it.
    if fsync(descriptor) != 0 && !(directory && errno == EINVAL) {
      throw AtomicFileError(path: path, operation: "fsync", code: errno)
    }
  }

  /// The directory (`.` if none) and the last component of `path`.
  private static func split(_ path: String) -> (directory: String, name: String) {
    checkPrecondition(
      !path.isEmpty && !path.hasSuffix("/"), "AtomicFile: '\(path)' does not name a file")
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let directory = String(path[..<slash])
    return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
  }
}
