import Foundation
import ImageIO

/// A short, stable identifier of the files under a dataset folder.
///
/// The SHA-256 of, for every regular file under the folder in byte order of its relative
/// path, the line `<relative path>\t<size>\n`, and with `contents` also the SHA-256 of its
/// bytes (`<relative path>\t<size>\t<sha256>\n`). Names and sizes are cheap and catch a
/// changed subset; contents catch regenerated data of equal size. Run ids include it.
public enum DatasetFingerprint {
  /// The full hex digest.
  /// - Throws: `DatasetError.missingFolder` when `folder` does not exist;
  ///   `ImageIOError.unreadable` for an unreadable file.
  public static func digest(of folder: String, contents: Bool = false) throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { throw DatasetError.missingFolder(path: folder, dataset: "fingerprinted") }
    var files = [(path: String, size: Int)]()
    let base = URL(fileURLWithPath: folder).standardizedFileURL.path
    if let walker = FileManager.default.enumerator(atPath: base) {
      while let relative = walker.nextObject() as? String {
        let attributes = walker.fileAttributes
        guard attributes?[.type] as? FileAttributeType == .typeRegular else { continue }
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        files.append((relative, size))
      }
    }
    files.sort { Array($0.path.utf8).lexicographicallyPrecedes($1.path.utf8) }
    var hash = SHA256()
    for file in files {
      var line = "\(file.path)\t\(file.size)"
      if contents { line += "\t" + SHA256.hex(try FileBytes.read(base + "/" + file.path)) }
      hash.update(line + "\n")
    }
    return SHA256.hexString(hash.finalize())
  }

  /// The first 16 hex digits of `digest(of:contents:)`, for run ids and manifests.
  public static func short(of folder: String, contents: Bool = false) throws -> String {
    String(try digest(of: folder, contents: contents).prefix(16))
  }
}
