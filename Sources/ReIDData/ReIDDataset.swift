/// A person re-ID dataset (Market-1501 or DukeMTMC-reID) loaded under the standard protocol.
///
/// Protocol (as torchreid and fast-reid): each split is its folder's `*.jpg` files sorted by
/// name; pid -1 (Market junk) is dropped from every split; pid 0 (Market distractors) stays
/// in the gallery; cameras are 0-based; training pids are relabelled 0..<n in sorted order.
/// The image counts must equal the published ones unless the dataset is non-standard
/// (declared by the caller, or by a `synthetic.json` marker that `reid synth` writes).
public struct ReIDDataset: Sendable {
  /// Which dataset.
  public let kind: ReIDDatasetKind
  /// The dataset folder (data root + `kind.folder`).
  public let folder: String
  /// Training images with labels 0..<trainIdentityCount.
  public let train: [ReIDImage]
  /// Query images (label = pid).
  public let query: [ReIDImage]
  /// Gallery images (label = pid; distractors have pid 0).
  public let gallery: [ReIDImage]
  /// Number of training identities.
  public let trainIdentityCount: Int
  /// Whether the counts were checked against the published ones.
  public let isStandard: Bool

  /// The folder names of the three splits.
  public static let splitFolders = (
    train: "bounding_box_train", query: "query", gallery: "bounding_box_test"
  )

  /// Loads `kind` from `dataRoot` (the folder holding `market1501/` and `dukemtmc-reid/`).
  /// - Parameter allowNonstandard: accept counts other than the published ones (subsets,
  ///   synthetic data).
  /// - Throws: `DatasetError` naming the missing folder, the malformed file name or the
  ///   split whose count differs.
  public static func load(
    _ kind: ReIDDatasetKind, dataRoot: String, allowNonstandard: Bool = false
  ) throws -> ReIDDataset {
    let folder = dataRoot + "/" + kind.folder
    let synthetic = DirectoryListing.isMarkedSynthetic(dataRoot + "/" + kind.topFolder)
    let train = try split(kind, folder: folder + "/" + splitFolders.train)
    let query = try split(kind, folder: folder + "/" + splitFolders.query)
    let gallery = try split(kind, folder: folder + "/" + splitFolders.gallery)
    let isStandard = !(allowNonstandard || synthetic)
    if isStandard {
      let expected = kind.expectedCounts
      for (name, found, wanted, path) in [
        ("train", train.count, expected.train, splitFolders.train),
        ("query", query.count, expected.query, splitFolders.query),
        ("gallery", gallery.count, expected.gallery, splitFolders.gallery),
      ] where found != wanted {
        throw DatasetError.countMismatch(
          path: folder + "/" + path, dataset: kind.displayName, split: name, found: found,
          expected: wanted)
      }
    }
    for (name, images, path) in [
      ("train", train, splitFolders.train), ("query", query, splitFolders.query),
      ("gallery", gallery, splitFolders.gallery),
    ] where images.isEmpty {
      throw DatasetError.emptySplit(
        dataset: kind.displayName, split: name, path: folder + "/" + path)
    }
    let (relabelled, identities) = relabel(train)
    return ReIDDataset(
      kind: kind, folder: folder, train: relabelled, query: query, gallery: gallery,
      trainIdentityCount: identities, isStandard: isStandard)
  }

  /// The images of one split folder, sorted, junk dropped, label = pid.
  static func split(_ kind: ReIDDatasetKind, folder: String) throws -> [ReIDImage] {
    let names = try DirectoryListing.sortedNames(
      in: folder, suffix: ".jpg", dataset: kind.displayName)
    var images = [ReIDImage]()
    images.reserveCapacity(names.count)
    for name in names {
      let path = folder + "/" + name
      guard let parsed = ReIDFileName(name, kind: kind) else {
        throw DatasetError.badFileName(path: path, expected: kind.namePattern)
      }
      if parsed.pid == -1 { continue }
      images.append(
        ReIDImage(path: path, pid: parsed.pid, camera: parsed.camera, label: parsed.pid))
    }
    return images
  }

  /// Training labels: each pid's index among the sorted distinct pids.
  static func relabel(_ images: [ReIDImage]) -> ([ReIDImage], Int) {
    let pids = Set(images.map(\.pid)).sorted()
    var index = [Int: Int]()
    for (i, pid) in pids.enumerated() { index[pid] = i }
    let relabelled = images.map { image in
      var copy = image
      copy.label = index[image.pid] ?? -1
      return copy
    }
    return (relabelled, pids.count)
  }
}
