import Checkpoint
import TensorCore

/// Reading and writing feature files.
///
/// Layout: groups `/query` and `/gallery`, each with `features` float32 (N, D), `pids` int64
/// (N), `camids` int64 (N) and, when known, `paths` (N variable-length UTF-8 strings); root
/// attributes `format = "reid-features"` and `version = 1`. Datasets are chunked with
/// Fletcher32 checksums, and files stay readable by h5py and HDF5 1.10.
extension FeatureFile {
  /// The value of the root attribute `format`.
  public static let formatName = "reid-features"
  /// The value of the root attribute `version`.
  public static let formatVersion: Int64 = 1

  /// Reads a feature file, checking every dataset's type and shape and that every feature
  /// is finite. The root attributes are not required (files written by other tools work).
  ///
  /// - Throws: `FeatureFileError` naming the file and dataset.
  public static func read(from path: String) throws -> FeatureFile {
    do {
      let file = try HDF5File.open(path)
      defer { try? file.close() }
      let query = try readSplit("query", in: file)
      let gallery = try readSplit("gallery", in: file)
      guard query.dimension == gallery.dimension else {
        throw FeatureFileError(
          file: path, object: "/gallery/features",
          kind: .shapeMismatch(
            expected: "(\(gallery.count), \(query.dimension)) like /query/features",
            found: "\(gallery.features.shape)"))
      }
      return FeatureFile(query: query, gallery: gallery)
    } catch let error as HDF5Error {
      throw FeatureFileError(error)
    }
  }

  /// Writes the file atomically (a temporary file renamed over `path`).
  ///
  /// - Throws: `FeatureFileError` with kind `.nonFinite` before anything is written if a
  ///   feature is NaN or infinite, or wrapping the HDF5 failure.
  public func write(to path: String) throws {
    for (name, split) in zip(Self.splitNames, [query, gallery]) {
      try Self.checkFinite(split.features, file: path, object: "/\(name)/features")
    }
    do {
      try HDF5File.writeAtomically(to: path) { file in
        try file.setAttribute("format", Self.formatName)
        try file.setAttribute("version", Self.formatVersion)
        for (name, split) in zip(Self.splitNames, [query, gallery]) {
          let group = try file.createGroup(name)
          let count = Shape([split.count])
          try group.write(split.features, to: "features")
          try group.write(split.labels.pids, shape: count, to: "pids")
          try group.write(split.labels.camids, shape: count, to: "camids")
          if let paths = split.paths { try group.write(paths, to: "paths") }
        }
      }
    } catch let error as HDF5Error {
      throw FeatureFileError(error)
    }
  }

  // MARK: - Internals

  /// Reads and checks the split in group `name`.
  private static func readSplit(_ name: String, in file: HDF5File) throws -> FeatureSplit {
    func failure(_ member: String, _ kind: FeatureFileError.Kind) -> FeatureFileError {
      FeatureFileError(file: file.filePath, object: "/\(name)/\(member)", kind: kind)
    }
    guard try file.exists(name) else {
      throw FeatureFileError(file: file.filePath, object: "/\(name)", kind: .missing)
    }
    let group = try file.openGroup(name)
    let dataset = try group.openDataset("features")
    guard dataset.elementType == .float32 else {
      throw failure(
        "features", .typeMismatch(expected: "float32", found: "\(dataset.elementType)"))
    }
    guard dataset.shape.rank == 2 else {
      throw failure("features", .shapeMismatch(expected: "(N, D)", found: "\(dataset.shape)"))
    }
    let count = dataset.shape[0]
    guard count > 0 else { throw failure("features", .empty) }
    guard dataset.shape[1] > 0 else {
      throw failure(
        "features", .shapeMismatch(expected: "(N, D) with D > 0", found: "\(dataset.shape)"))
    }
    let pids = try readLabels("pids", count: count, in: group, failure: failure)
    let camids = try readLabels("camids", count: count, in: group, failure: failure)
    var paths: [String]?
    if try group.exists("paths") {
      let stored = try group.openDataset("paths")
      guard stored.shape == Shape([count]) else {
        throw failure("paths", .shapeMismatch(expected: "(\(count))", found: "\(stored.shape)"))
      }
      paths = try stored.readStrings()
    }
    let features = try dataset.readTensor()
    try checkFinite(features, file: file.filePath, object: "/\(name)/features")
    return FeatureSplit(
      features: features, labels: IdentityLabels(pids: pids, camids: camids), paths: paths)
  }

  /// Reads an int64 label dataset of `count` entries.
  private static func readLabels(
    _ member: String, count: Int, in group: HDF5Group,
    failure: (String, FeatureFileError.Kind) -> FeatureFileError
  ) throws -> [Int64] {
    let dataset = try group.openDataset(member)
    guard dataset.elementType == .int64 else {
      throw failure(member, .typeMismatch(expected: "int64", found: "\(dataset.elementType)"))
    }
    guard dataset.shape == Shape([count]) else {
      throw failure(
        member,
        .shapeMismatch(expected: "(\(count)) like features (N, D)", found: "\(dataset.shape)"))
    }
    return try dataset.read(Int64.self).values
  }

  /// Throws `.nonFinite` naming the first NaN or infinite feature of an (N, D) tensor.
  static func checkFinite(_ features: Tensor, file: String, object: String) throws {
    let dimension = features.shape.rank == 2 ? features.shape[1] : 1
    let bad = features.withUnsafeBufferPointer { FiniteCheck.firstNonFinite($0) }
    if let bad {
      throw FeatureFileError(
        file: file, object: object,
        kind: .nonFinite(
          row: bad / dimension, column: bad % dimension, value: features[flat: bad]))
    }
  }
}
