import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole-file reads and replace-by-rename writes, with errors that name the file.
public enum FileBytes {
  /// The bytes of the file at `path`.
  /// - Throws: `ImageIOError.unreadable` naming the file and the system's reason.
  public static func read(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else {
      throw ImageIOError.unreadable(file: path, reason: String(cString: strerror(errno)))
    }
    defer { fclose(file) }
    var bytes = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
      if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
      if n < chunk.count {
        if ferror(file) != 0 {
          throw ImageIOError.unreadable(file: path, reason: "read error")
        }
        break
      }
    }
    return bytes
  }

  /// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
  /// a reader never sees a partial file.
  /// - Throws: `ImageIOError.writeFailed` naming the file.
  public static func write(_ bytes: [UInt8], to path: String) throws {
    let temporary = path + ".tmp-\(getpid())"
    guard let file = fopen(temporary, "wb") else {
      throw ImageIOError.writeFailed(file: path, reason: String(cString: strerror(errno)))
    }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let closed = fclose(file)
    guard written == bytes.count, closed == 0 else {
      unlink(temporary)
      throw ImageIOError.writeFailed(file: path, reason: "short write")
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw ImageIOError.writeFailed(file: path, reason: reason)
    }
  }
}
