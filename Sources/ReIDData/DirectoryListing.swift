import Foundation

/// Folder listings in a fixed order, and the `synthetic.json` marker of generated datasets.
enum DirectoryListing {
  /// The names in `folder` ending with `suffix`, sorted by their UTF-8 bytes (the order of
  /// Python's `sorted(glob(...))`, independent of the file system and the locale).
  /// Other files (Market ships `Thumbs.db`) are ignored.
  static func sortedNames(in folder: String, suffix: String, dataset: String) throws -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { throw DatasetError.missingFolder(path: folder, dataset: dataset) }
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: folder)
    } catch {
      throw DatasetError.missingFolder(path: folder, dataset: dataset)
    }
    return names.filter { $0.hasSuffix(suffix) }.sorted {
      Array($0.utf8).lexicographicallyPrecedes($1.utf8)
    }
  }

  /// The name of the marker file `reid synth` writes into each generated dataset's top
  /// folder; a dataset with it is declared non-standard (its counts are not checked).
  static let syntheticMarker = "synthetic.json"

  /// Whether `folder` holds the synthetic marker.
  static func isMarkedSynthetic(_ folder: String) -> Bool {
    FileManager.default.fileExists(atPath: folder + "/" + syntheticMarker)
  }
}
