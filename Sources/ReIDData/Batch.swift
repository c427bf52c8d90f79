import TensorCore

/// One training batch, ready for the model.
public struct Batch: Sendable {
  /// The global step this batch belongs to (0-based).
  public var step: Int
  /// The augmented images of `rows`. images: (rows.count, H, W, 3), normalized float32.
  public var images: Tensor
  /// The dataset index of each image.
  public var indices: [Int]
  /// The identity label of each image (-1 when none).
  public var labels: [Int]
  /// The camera of each image (-1 when unknown).
  public var cameras: [Int]
  /// The label maps of `rows` following the image geometry, when the items have them.
  /// labelMaps: (rows.count, H, W) row-major.
  public var labelMaps: [UInt8]?
  /// The sampler state after this batch: save it with the checkpoint of this step, restore
  /// it to continue with the next batch (nil for batches built without a sampler).
  public var samplerState: BatchSampler.State?
  /// The rows of the batch that `images` and `labelMaps` hold (all of them unless the batch
  /// was built for some shards of it); `indices`, `labels` and `cameras` cover every row.
  public var rows: Range<Int>

  /// A batch; `rows` defaults to every row.
  public init(
    step: Int, images: Tensor, indices: [Int], labels: [Int], cameras: [Int],
    labelMaps: [UInt8]?, samplerState: BatchSampler.State?, rows: Range<Int>? = nil
  ) {
    self.step = step
    self.images = images
    self.indices = indices
    self.labels = labels
    self.cameras = cameras
    self.labelMaps = labelMaps
    self.samplerState = samplerState
    self.rows = rows ?? indices.indices
  }
}
