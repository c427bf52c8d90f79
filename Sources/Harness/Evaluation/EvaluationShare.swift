import TensorCore

/// How the images of an evaluation are split over the processes of an MPI launch.
///
/// The images are cut into batches of `eval.batch` the same way for any number of processes,
/// and each process embeds a contiguous run of whole batches. A batch is computed alone, so
/// its features have the same bits on whichever process embeds it; gathered in rank order they
/// are the features one process would extract in turn, and so are the metrics.
public struct EvaluationShare: Sendable, Equatable {
  /// The batches of every process, in image order.
  public let batches: [Range<Int>]
  /// The batches this process embeds: `batches[local]`.
  public let local: Range<Int>

  /// The share of process `rank` of `processes` of `count` images in batches of `batch`.
  public init(count: Int, batch: Int, rank: Int, processes: Int) {
    let size = max(1, batch)
    batches = stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
    // Processes 0..<processes take floor(n r / R) ..< floor(n (r + 1) / R): contiguous, in
    // rank order, sizes differing by at most one batch.
    let n = batches.count
    local = (n * rank / processes)..<(n * (rank + 1) / processes)
  }

  /// The share of this process in `Processes.world`.
  public init(count: Int, batch: Int) {
    let world = Processes.world
    self.init(count: count, batch: batch, rank: world.rank, processes: world.size)
  }

  /// The batches this process embeds.
  public var localBatches: ArraySlice<Range<Int>> { batches[local] }
}
