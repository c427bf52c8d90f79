import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Replace-by-rename file writes, so a reader (or a crash) never sees a partial figure.
enum AtomicFile {
  /// Writes `bytes` to a new temporary file beside `path`, flushes it to disk and renames it
  /// over `path`.
  /// - Throws: `FigureError.writeFailed` naming `path` and the system's reason.
  static func replace(_ path: String, with bytes: [UInt8]) throws(FigureError) {
    // A unique name: two writers of the same figure must not share a temporary file.
    let temporary = "\(path).tmp-\(getpid())-\(UUID().uuidString)"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure(path, systemReason()) }
    let writeError = writeAll(bytes, to: descriptor)
    let syncFailed = writeError == nil && fsync(descriptor) != 0
    let syncError = syncFailed ? systemReason() : nil
    let closeFailed = close(descriptor) != 0
    if let reason = writeError ?? syncError ?? (closeFailed ? "close failed" : nil) {
      unlink(temporary)
      throw failure(path, reason)
    }
    guard rename(temporary, path) == 0 else {
      let reason = systemReason()
      unlink(temporary)
      throw failure(path, reason)
    }
  }

  /// Writes every byte, retrying short writes and interrupted calls; the reason on failure.
  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
    bytes.withUnsafeBytes { raw -> String? in
      guard let base = raw.baseAddress else { return nil }
      var offset = 0
      while offset < raw.count {
        let n = write(descriptor, base + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return systemReason()
        }
        offset += n
      }
      return nil
    }
  }

  private static func failure(_ path: String, _ reason: String) -> FigureError {
    .writeFailed(file: path, reason: reason)
  }

  private static func systemReason() -> String { String(cString: strerror(errno)) }
}
