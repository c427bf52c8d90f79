import Foundation
import ImageIO

/// A short, stable identifier of the files under a dataset folder.
///
/// The SHA-256 of, for every regular file under the folder in byte order of its relative
/// path, the line `<relative path>\t<size>\n`, and with `contents` also the SHA-256 of its
/// bytes (`<relative path>\t<size>\t<sha256>\n`). Names and sizes are cheap and catch a
/// changed subset; contents catch regenerated data of equal size. Run ids include it.
///
/// Symbolic links are followed (datasets are often linked in from elsewhere), each real
/// folder once; hidden entries (names starting with `.`, such as an interrupted generator's
/// staging folder or `.DS_Store`) are not part of a dataset and are skipped.
public enum DatasetFingerprint {
  /// The full hex digest.
  /// - Throws: `DatasetError.missingFolder` when `folder` does not exist;
  ///   `ImageIOError.unreadable` for an unreadable file or folder.
  public static func digest(of folder: String, contents: Bool = false) throws -> String {
    let base = URL(fileURLWithPath: folder).standardizedFileURL.path
    guard case .folder(let identity)? = entry(base) else {
      throw DatasetError.missingFolder(path: folder, dataset: "fingerprinted")
    }
    var files = [(path: String, size: Int)]()
    var visited: Set<FileIdentity> = [identity]
    try walk(base, relative: "", visited: &visited, into: &files)
    files.sort { Array($0.path.utf8).lexicographicallyPrecedes($1.path.utf8) }
    var hash = SHA256()
    for file in files {
      var line = "\(file.path)\t\(file.size)"
      if contents { line += "\t" + SHA256.hex(try FileBytes.read(base + "/" + file.path)) }
      hash.update(line + "\n")
    }
    return SHA256.hexString(hash.finalize())
  }

  /// A folder's device and inode, so a link cycle is walked once.
  struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64
  }

  enum Entry {
    case file(size: Int)
    case folder(FileIdentity)
  }

  /// What `path` is after following links; nil for a dangling link or anything else.
  static func entry(_ path: String) -> Entry? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .file(size: Int(info.st_size))
    case S_IFDIR:
      return .folder(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    default: return nil
    }
  }

  static func walk(
    _ base: String, relative: String, visited: inout Set<FileIdentity>,
    into files: inout [(path: String, size: Int)]
  ) throws {
    let folder = relative.isEmpty ? base : base + "/" + relative
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: folder)
    } catch {
      throw ImageIOError.unreadable(file: folder, reason: "cannot list the folder")
    }
    for name in names where !name.hasPrefix(".") {
      let path = relative.isEmpty ? name : relative + "/" + name
      switch entry(base + "/" + path) {
      case .file(let size)?: files.append((path, size))
      case .folder(let identity)?:
        if visited.insert(identity).inserted {
          try walk(base, relative: path, visited: &visited, into: &files)
        }
      case nil: continue
      }
    }
  }

  /// The first 16 hex digits of `digest(of:contents:)`, for run ids and manifests.
  public static func short(of folder: String, contents: Bool = false) throws -> String {
    String(try digest(of: folder, contents: contents).prefix(16))
  }
}
