import TensorCore

/// How a dataset is laid out on disk: contiguous, or chunked with optional Fletcher32
/// checksums.
///
/// Chunk shapes are automatic: whole rows along the first axis up to `targetChunkBytes` per
/// chunk (then fewer elements along the next axes if one row is larger). Scalar and
/// zero-size datasets are always contiguous, since HDF5 cannot chunk them.
public struct DatasetOptions: Equatable, Sendable {
  /// Whether the dataset is chunked.
  public var chunked: Bool
  /// Whether every chunk carries a Fletcher32 checksum verified on read (implies chunking).
  public var fletcher32: Bool
  /// The largest chunk size in bytes the automatic chunk shape aims for.
  public var targetChunkBytes: Int

  /// Creates options; `fletcher32` turns chunking on.
  public init(chunked: Bool, fletcher32: Bool, targetChunkBytes: Int = 1 << 20) {
    checkPrecondition(targetChunkBytes > 0, "DatasetOptions: targetChunkBytes must be positive")
    self.chunked = chunked || fletcher32
    self.fletcher32 = fletcher32
    self.targetChunkBytes = targetChunkBytes
  }

  /// Chunked with Fletcher32 checksums, the default for checkpoints and weights.
  public static let checkpoint = DatasetOptions(chunked: true, fletcher32: true)

  /// A contiguous dataset without checksums.
  public static let contiguous = DatasetOptions(chunked: false, fletcher32: false)

  /// The chunk extents for a dataset of `dims` with elements of `elementBytes`, or nil for a
  /// contiguous layout.
  public func chunkDims(for dims: [Int], elementBytes: Int) -> [Int]? {
    guard chunked, !dims.isEmpty, !dims.contains(0) else { return nil }
    var chunk = dims
    for axis in chunk.indices {
      let inner = chunk[(axis + 1)...].reduce(max(elementBytes, 1), *)
      if inner * chunk[axis] <= targetChunkBytes { break }
      chunk[axis] = max(1, min(chunk[axis], targetChunkBytes / inner))
      if inner <= targetChunkBytes { break }
    }
    return chunk
  }
}
