/// The images a re-ID model trains on, with contiguous identity labels 0..<identityCount.
///
/// The paper trains on Market-1501 and DukeMTMC-reID together: `mixed` concatenates the
/// training splits in the given order and offsets each dataset's labels by the identities
/// before it, so identities of different datasets never share a label.
public struct TrainingSet: Sendable {
  /// The images; `label` is the global training label.
  public let images: [ReIDImage]
  /// The number of distinct labels.
  public let identityCount: Int
  /// Each source dataset with its first label and its number of identities.
  public let sources: [(kind: ReIDDatasetKind, labelOffset: Int, identities: Int)]

  /// The training split of one dataset.
  public init(_ dataset: ReIDDataset) {
    self.init(mixing: [dataset])
  }

  /// The training splits of `datasets`, labels made disjoint by offsetting.
  public init(mixing datasets: [ReIDDataset]) {
    var images = [ReIDImage]()
    var sources = [(kind: ReIDDatasetKind, labelOffset: Int, identities: Int)]()
    var offset = 0
    for dataset in datasets {
      sources.append((dataset.kind, offset, dataset.trainIdentityCount))
      for image in dataset.train {
        var copy = image
        copy.label += offset
        images.append(copy)
      }
      offset += dataset.trainIdentityCount
    }
    self.images = images
    identityCount = offset
    self.sources = sources
  }

  /// The training labels, one per image.
  public var labels: [Int] { images.map(\.label) }
}
