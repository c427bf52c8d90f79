import ImageIO
import TensorCore

/// Decodes and augments the items of one batch.
///
/// The augmentation randomness of step `s` comes from the stream named `augment/<s>` of the
/// augmentation seed, consumed image by image in batch order. So a batch depends only on
/// (items, indices, step, seed): the same bits whether built in the foreground, on a prefetch
/// thread, or after a resume.
public struct BatchBuilder: Sendable {
  /// What the batches are built from.
  public let items: [DataItem]
  /// The augmentation pipeline.
  public let augmenter: Augmenter
  /// The seed of the per-step augmentation streams.
  public let seed: UInt64
  /// Swap LIP's left/right labels when flipping.
  public let mirrorLabels: Bool
  /// The label-map value the parsing loss ignores (PyTorch's `ignore_index` 255).
  public static let ignoredLabel: UInt8 = 255

  /// A builder over `items`.
  public init(items: [DataItem], augmentation: AugmentationConfig, seed: UInt64, mirrorLabels: Bool)
  {
    self.items = items
    augmenter = Augmenter(augmentation)
    self.seed = seed
    self.mirrorLabels = mirrorLabels
  }

  /// Builds the batch of `indices` at `step` (for evaluation, any step: its pipeline draws
  /// nothing; `samplerState` is what the batch carries for checkpoints, nil outside training).
  ///
  /// `rows` picks the images that are decoded and augmented (a process's shards of the batch);
  /// every image's augmentation is drawn all the same, so an image's bits do not depend on
  /// which rows are built. Labels and cameras cover every index.
  /// - Throws: `ImageIOError` naming an unreadable or corrupt file; `DatasetError` when a label
  ///   map's size differs from its image's or it holds a value that is not a LIP class or 255.
  public func build(
    indices: [Int], step: Int, samplerState: BatchSampler.State? = nil, rows: Range<Int>? = nil,
    decoder: JPEGDecoder
  ) throws -> Batch {
    let h = augmenter.config.height
    let w = augmenter.config.width
    let rows = rows ?? indices.indices
    checkPrecondition(
      rows.clamped(to: indices.indices) == rows,
      "BatchBuilder: rows \(rows) of a batch of \(indices.count)")
    var random = RandomStream(seed: seed, name: "augment/\(step)")
    let draws = indices.map { _ in augmenter.draw(random: &random) }
    let n = rows.count
    var images = Tensor(shape: [n, h, w, 3])
    let withMaps = indices.contains { items[$0].labelMapPath != nil }
    var maps = withMaps ? [UInt8](repeating: 0, count: n * h * w) : nil
    for (slot, row) in rows.enumerated() {
      let item = items[indices[row]]
      let image = try decode(item.imagePath, decoder: decoder)
      var labelMap: LabelMap?
      if let path = item.labelMapPath {
        let map = try PNG.readLabelMap(path)
        guard map.width == image.width, map.height == image.height else {
          throw DatasetError.labelMapSizeMismatch(
            path: path, labelMap: "\(map.width)x\(map.height)",
            image: "\(image.width)x\(image.height)")
        }
        // Checked here, naming the file: past this point a bad label traps in the loss.
        let classes = LIPDataset.classCount
        if let bad = map.labels.first(where: { Int($0) >= classes && $0 != Self.ignoredLabel }) {
          throw DatasetError.labelOutOfRange(path: path, value: Int(bad), classes: classes)
        }
        labelMap = map
      }
      images.withUnsafeMutablePointer { p in
        let output = p + slot * h * w * 3
        if maps != nil {
          maps?.withUnsafeMutableBufferPointer { m in
            augmenter.apply(
              image, labels: labelMap, mirrorLabels: mirrorLabels, draw: draws[row],
              output: output, labelOutput: m.baseAddress.map { $0 + slot * h * w })
          }
        } else {
          augmenter.apply(image, draw: draws[row], output: output)
        }
      }
    }
    return Batch(
      step: step, images: images, indices: indices, labels: indices.map { items[$0].label },
      cameras: indices.map { items[$0].camera }, labelMaps: maps, samplerState: samplerState,
      rows: rows)
  }

  func decode(_ path: String, decoder: JPEGDecoder) throws -> RGBImage {
    path.hasSuffix(".png") ? try PNG.readRGB(path) : try decoder.read(path)
  }
}

/// Produces batches in the foreground: sampler, then builder.
public struct BatchSource {
  /// The sampler (its state is the position of the next batch).
  public private(set) var sampler: BatchSampler
  /// The builder.
  public let builder: BatchBuilder
  /// Which shards of each batch this process builds (every image unless sharded).
  public let shards: ShardPlan
  private let decoder: JPEGDecoder

  /// A source drawing from `sampler` and building with `builder` this process's `shards`.
  public init(sampler: BatchSampler, builder: BatchBuilder, shards: ShardPlan = .single) throws {
    self.sampler = sampler
    self.builder = builder
    self.shards = shards
    decoder = try JPEGDecoder()
  }

  /// The next batch.
  public mutating func next() throws -> Batch {
    let step = sampler.state.step
    let indices = sampler.next()
    return try builder.build(
      indices: indices, step: step, samplerState: sampler.state,
      rows: shards.localRows(ofBatch: indices.count), decoder: decoder)
  }
}
