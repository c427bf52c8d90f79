import Foundation

/// Per-split counts of a dataset, as `reid data inspect` prints them.
public struct SplitSummary: Sendable, Equatable, Codable {
  /// Number of images.
  public var images: Int
  /// Number of distinct pids (Market's distractor pid 0 counts as one); nil for LIP.
  public var ids: Int?
  /// Number of distinct cameras; nil for LIP.
  public var cameras: Int?

  /// The counts of a re-ID split.
  public init(_ images: [ReIDImage]) {
    self.images = images.count
    ids = Set(images.map(\.pid)).count
    cameras = Set(images.map(\.camera)).count
  }

  /// The count of a split without identities (LIP).
  public init(imageCount: Int) {
    images = imageCount
    ids = nil
    cameras = nil
  }

  /// `{"images": N, "ids": N, "cameras": N}` (LIP: images only).
  public var json: String {
    var fields = ["\"images\": \(images)"]
    if let ids { fields.append("\"ids\": \(ids)") }
    if let cameras { fields.append("\"cameras\": \(cameras)") }
    return "{" + fields.joined(separator: ", ") + "}"
  }
}

/// The named splits of a dataset in display order.
public struct DatasetSummary: Sendable, Equatable {
  /// (split name, counts) in order: train, query, gallery (LIP: train, val).
  public var splits: [(name: String, summary: SplitSummary)]

  /// The summary of a re-ID dataset.
  public init(_ dataset: ReIDDataset) {
    splits = [
      ("train", SplitSummary(dataset.train)), ("query", SplitSummary(dataset.query)),
      ("gallery", SplitSummary(dataset.gallery)),
    ]
  }

  /// The summary of LIP.
  public init(_ dataset: LIPDataset) {
    splits = [
      ("train", SplitSummary(imageCount: dataset.train.count)),
      ("val", SplitSummary(imageCount: dataset.val.count)),
    ]
  }

  /// One JSON object: `{"train": {...}, "query": {...}, "gallery": {...}}`.
  public var json: String { json(fingerprint: nil) }

  /// One JSON object, the splits by name, and a `fingerprint` field when given one.
  public func json(fingerprint: String?) -> String {
    let fields =
      splits.map { "\"\($0.name)\": \($0.summary.json)" }
      + (fingerprint.map { ["\"fingerprint\": \"\($0)\""] } ?? [])
    return "{" + fields.joined(separator: ", ") + "}"
  }

  /// Aligned text lines, one per split.
  public var text: String {
    splits.map { split in
      var line = split.name.padding(toLength: 8, withPad: " ", startingAt: 0)
      line += "images \(split.summary.images)"
      if let ids = split.summary.ids { line += "  ids \(ids)" }
      if let cameras = split.summary.cameras { line += "  cameras \(cameras)" }
      return line
    }.joined(separator: "\n")
  }

  /// Equal when every split has the same name and counts.
  public static func == (a: DatasetSummary, b: DatasetSummary) -> Bool {
    a.splits.map(\.name) == b.splits.map(\.name)
      && a.splits.map(\.summary) == b.splits.map(\.summary)
  }
}
