import Foundation
import ImageIO

/// One LIP sample: an image and its parsing annotation.
public struct LIPSample: Sendable, Equatable, Codable {
  /// The id as listed in `train_id.txt` / `val_id.txt` (for example `77_471474`).
  public var id: String
  /// `TrainVal_images/<split>_images/<id>.jpg`.
  public var imagePath: String
  /// `TrainVal_parsing_annotations/<split>_segmentations/<id>.png` (8-bit labels 0...19).
  public var labelPath: String
}

/// The LIP human-parsing dataset (train and val), as distributed.
///
/// Layout under `<dataRoot>/lip/` (the official `TrainVal_images.zip` and
/// `TrainVal_parsing_annotations.zip` unpacked side by side):
/// ```
/// TrainVal_images/train_images/<id>.jpg      TrainVal_images/val_images/<id>.jpg
/// TrainVal_parsing_annotations/train_segmentations/<id>.png
/// TrainVal_parsing_annotations/val_segmentations/<id>.png
/// train_id.txt  val_id.txt                    one id per line, no extension
/// ```
/// The official zip keeps the id lists inside `TrainVal_images/`; they are looked for at
/// `lip/` first, then there. The samples keep the list order. Every listed id must have both
/// files. Published counts: 30,462 train, 10,000 val.
public struct LIPDataset: Sendable {
  /// The `lip/` folder.
  public let folder: String
  /// Training samples in list order.
  public let train: [LIPSample]
  /// Validation samples in list order.
  public let val: [LIPSample]
  /// Whether the counts were checked against the published ones.
  public let isStandard: Bool

  /// The published sizes: train, val.
  public static let expectedCounts = (train: 30_462, val: 10_000)
  /// The number of parsing classes (0 background ... 19 right shoe).
  public static let classCount = 20

  /// Loads LIP from `dataRoot/lip`.
  /// - Throws: `DatasetError` naming the missing folder or file, the bad list line, or the
  ///   split whose count differs from the published one.
  public static func load(dataRoot: String, allowNonstandard: Bool = false) throws -> LIPDataset {
    let folder = dataRoot + "/lip"
    let isStandard = !(allowNonstandard || DirectoryListing.isMarkedSynthetic(folder))
    let train = try split("train", folder: folder)
    let val = try split("val", folder: folder)
    if isStandard {
      for (name, found, wanted) in [
        ("train", train.count, expectedCounts.train), ("val", val.count, expectedCounts.val),
      ] where found != wanted {
        throw DatasetError.countMismatch(
          path: folder, dataset: "LIP", split: name, found: found, expected: wanted)
      }
    }
    return LIPDataset(folder: folder, train: train, val: val, isStandard: isStandard)
  }

  static func split(_ name: String, folder: String) throws -> [LIPSample] {
    let images = folder + "/TrainVal_images/\(name)_images"
    let labels = folder + "/TrainVal_parsing_annotations/\(name)_segmentations"
    for required in [images, labels] {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: required, isDirectory: &isDirectory),
        isDirectory.boolValue
      else { throw DatasetError.missingFolder(path: required, dataset: "LIP") }
    }
    let list = try idList(name, folder: folder)
    let bytes = try FileBytes.read(list)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw DatasetError.badListEntry(path: list, line: 1, reason: "the id list is not UTF-8 text")
    }
    var samples = [LIPSample]()
    var seen = Set<String>()
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let id = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
      if id.isEmpty { continue }
      guard !id.contains("/"), !id.contains(" "), seen.insert(id).inserted else {
        throw DatasetError.badListEntry(
          path: list, line: index + 1, reason: "'\(id)' is not a unique file stem")
      }
      let sample = LIPSample(
        id: id, imagePath: images + "/\(id).jpg", labelPath: labels + "/\(id).png")
      for path in [sample.imagePath, sample.labelPath]
      where !FileManager.default.fileExists(atPath: path) {
        throw DatasetError.missingFile(path: path, reason: "listed in \(list):\(index + 1)")
      }
      samples.append(sample)
    }
    if samples.isEmpty {
      throw DatasetError.emptySplit(dataset: "LIP", split: name, path: list)
    }
    return samples
  }

  /// `lip/<split>_id.txt`, or the official zip's `lip/TrainVal_images/<split>_id.txt`.
  static func idList(_ name: String, folder: String) throws -> String {
    let candidates = [folder + "/\(name)_id.txt", folder + "/TrainVal_images/\(name)_id.txt"]
    for path in candidates where FileManager.default.fileExists(atPath: path) { return path }
    throw DatasetError.missingFile(
      path: candidates[0], reason: "the LIP \(name) id list; nor is it at \(candidates[1])")
  }
}
