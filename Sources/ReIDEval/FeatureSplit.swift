import TensorCore

/// Identity and camera labels of N images, as int64 like the feature file stores them.
public struct IdentityLabels: Sendable, Equatable {
  /// Person ids: Market's 0 is a distractor and stays in the gallery like any other id.
  public var pids: [Int64]
  /// Camera ids.
  public var camids: [Int64]

  /// Labels of `pids.count` images; both arrays must have the same length.
  public init(pids: [Int64], camids: [Int64]) {
    checkPrecondition(
      pids.count == camids.count,
      "IdentityLabels: \(pids.count) pids but \(camids.count) camids")
    self.pids = pids
    self.camids = camids
  }

  /// The number of images.
  public var count: Int { pids.count }
}

/// One split of a feature file (query or gallery): N feature vectors with their labels.
public struct FeatureSplit: Sendable {
  /// (N, D) float32 feature vectors, one row per image.
  public var features: Tensor
  /// The person and camera ids of the N images.
  public var labels: IdentityLabels
  /// The image paths, when known (N strings).
  public var paths: [String]?

  /// A split; `features` is (N, D) and the labels and paths have N entries.
  public init(features: Tensor, labels: IdentityLabels, paths: [String]? = nil) {
    checkPrecondition(
      features.shape.rank == 2, "FeatureSplit: features \(features.shape) must be (N, D)")
    checkPrecondition(
      labels.count == features.shape[0],
      "FeatureSplit: \(labels.count) labels for features \(features.shape)")
    checkPrecondition(
      paths == nil || paths?.count == labels.count,
      "FeatureSplit: \(paths?.count ?? 0) paths for \(labels.count) images")
    self.features = features
    self.labels = labels
    self.paths = paths
  }

  /// N, the number of images.
  public var count: Int { features.shape[0] }

  /// D, the feature dimension.
  public var dimension: Int { features.shape[1] }
}

/// The features of an evaluation: a query split and a gallery split of the same dimension.
public struct FeatureFile: Sendable {
  /// The query images.
  public var query: FeatureSplit
  /// The gallery images.
  public var gallery: FeatureSplit

  /// Features of `query` and `gallery`, which must have the same dimension.
  public init(query: FeatureSplit, gallery: FeatureSplit) {
    checkPrecondition(
      query.dimension == gallery.dimension,
      "FeatureFile: query dimension \(query.dimension) != gallery \(gallery.dimension)")
    self.query = query
    self.gallery = gallery
  }

  /// The names of the two splits, which are also their HDF5 groups.
  public static let splitNames = ["query", "gallery"]
}
