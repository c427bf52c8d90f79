import TensorCore

/// How extraction turns a model's outputs into the stored feature vectors.
public struct FeatureOptions: Sendable, Equatable {
  /// Average each image's features with those of its horizontally flipped copy.
  public var flipAverage: Bool
  /// Scale each (averaged) vector to unit L2 norm, like `F.normalize(x, p=2, dim=1)`.
  public var l2Normalize: Bool

  /// Options; both off by default (torchreid's defaults).
  public init(flipAverage: Bool = false, l2Normalize: Bool = false) {
    self.flipAverage = flipAverage
    self.l2Normalize = l2Normalize
  }
}

/// Collects one split's feature vectors batch by batch, as extraction produces them, and
/// applies flip averaging and L2 normalization.
///
/// ```swift
/// var query = FeatureSplitBuilder(dimension: 2048, options: options)
/// for batch in loader { try query.append(model(batch.images), flipped: model(batch.flipped),
///                                       pids: batch.pids, camids: batch.camids) }
/// try FeatureFile(query: query.build(), gallery: gallery.build()).write(to: "features.h5")
/// ```
public struct FeatureSplitBuilder: Sendable {
  /// D, the feature dimension.
  public let dimension: Int
  /// What `append` does to each batch.
  public let options: FeatureOptions
  private var values: [Float] = []
  private var pids: [Int64] = []
  private var camids: [Int64] = []
  private var paths: [String] = []
  private var pathsKnown = true

  /// An empty builder for vectors of `dimension` values.
  public init(dimension: Int, options: FeatureOptions = FeatureOptions()) {
    checkPrecondition(dimension > 0, "FeatureSplitBuilder: dimension \(dimension)")
    self.dimension = dimension
    self.options = options
  }

  /// The number of images appended so far.
  public var count: Int { pids.count }

  /// Appends a batch of B images.
  ///
  /// - Parameters:
  ///   - features: (B, D) the model's features of the images.
  ///   - flipped: (B, D) the features of the horizontally flipped images; required exactly
  ///     when `options.flipAverage` is set.
  ///   - pids, camids: B labels each.
  ///   - paths: B image paths, or nil when unknown (then the split stores no paths).
  public mutating func append(
    _ features: Tensor, flipped: Tensor? = nil, pids: [Int64], camids: [Int64],
    paths: [String]? = nil
  ) {
    let batch = pids.count
    checkPrecondition(
      features.shape == Shape([batch, dimension]) && camids.count == batch
        && (paths == nil || paths?.count == batch),
      "FeatureSplitBuilder.append: features \(features.shape), \(pids.count) pids, "
        + "\(camids.count) camids, \(paths?.count ?? 0) paths for dimension \(dimension)")
    checkPrecondition(
      (flipped != nil) == options.flipAverage,
      "FeatureSplitBuilder.append: flipped features must be given exactly when flipAverage is on")
    if let flipped {
      checkPrecondition(
        flipped.shape == features.shape,
        "FeatureSplitBuilder.append: flipped \(flipped.shape) vs features \(features.shape)")
    }
    var rows = features.scalars
    if let flipped {
      flipped.withUnsafeBufferPointer { other in
        for i in rows.indices { rows[i] = (rows[i] + other[i]) * 0.5 }
      }
    }
    if options.l2Normalize {
      rows.withUnsafeMutableBufferPointer { buffer in
        for row in 0..<batch {
          Self.normalize(
            UnsafeMutableBufferPointer(rebasing: buffer[row * dimension..<(row + 1) * dimension]))
        }
      }
    }
    values += rows
    self.pids += pids
    self.camids += camids
    if let paths { self.paths += paths } else { pathsKnown = false }
  }

  /// The split collected so far (paths only if every batch gave them).
  public func build() -> FeatureSplit {
    FeatureSplit(
      features: Tensor(shape: Shape([count, dimension]), scalars: values),
      labels: IdentityLabels(pids: pids, camids: camids),
      paths: pathsKnown && count > 0 ? paths : nil)
  }

  /// x / max(|x|, 1e-12), the norm accumulated in double.
  static func normalize(_ row: UnsafeMutableBufferPointer<Float>) {
    var sum: Double = 0
    for x in row { sum += Double(x) * Double(x) }
    let norm = Float(max(sum.squareRoot(), 1e-12))
    for i in row.indices { row[i] /= norm }
  }
}
