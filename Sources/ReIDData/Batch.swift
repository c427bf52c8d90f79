import TensorCore

/// One training batch, ready for the model.
public struct Batch: Sendable {
  /// The global step this batch belongs to (0-based).
  public var step: Int
  /// The augmented images. images: (N, H, W, 3), normalized float32.
  public var images: Tensor
  /// The dataset index of each image.
  public var indices: [Int]
  /// The identity label of each image (-1 when none).
  public var labels: [Int]
  /// The camera of each image (-1 when unknown).
  public var cameras: [Int]
  /// The label maps following the image geometry, when the items have them.
  /// labelMaps: (N, H, W) row-major.
  public var labelMaps: [UInt8]?
  /// The sampler state after this batch: save it with the checkpoint of this step, restore
  /// it to continue with the next batch (nil for batches built without a sampler).
  public var samplerState: BatchSampler.State?
}
