import CKernelThreads

/// The threads the training core's own kernels (direct convolutions, batch norm, channel
/// copies) split their work over, and the ways they split it.
///
/// Every split hands each output scalar to exactly one thread, which computes it in the same
/// order as a single thread would, so no result depends on `count`.
public enum KernelThreads {
  /// The threads to use (set with the BLAS threads, `BLASRuntime`). Setting it starts the
  /// pool's workers (`count - 1` of them) if they are not running yet.
  public nonisolated(unsafe) static var count = 1 {
    didSet { _ = reid_pool_set_threads(Int32(clamping: count)) }
  }

  /// Channels per run of a channel split: a multiple of 16 floats, so that two threads never
  /// write the same 64-byte cache line of a row.
  static let channelGrain = 16

  /// Work below this many scalars runs on the calling thread: handing parts to a polling
  /// worker costs a few microseconds, as much as streaming ~16 Ki floats. (Zen 4, whole
  /// steps at 256x128 x 8, alternated: 16 Ki ran 2-6 % faster than 64 Ki, 4 Ki alike.)
  static let minimumParallelScalars = 1 << 14

  /// Runs `body(part)` for part in 0..<parts, on up to `parts` threads.
  ///
  /// The parts go to the pool of CKernelThreads, whose workers poll for the next pass instead
  /// of sleeping between the passes of a step, each part under the caller's floating-point
  /// mode (MXCSR control bits: subnormal flushing, rounding). When the pool is taken (a split
  /// inside a split, or from another thread), the calling thread runs the parts alone.
  public static func split(_ parts: Int, _ body: @Sendable (Int) -> Void) {
    guard parts > 1 else { return body(0) }
    withoutActuallyEscaping(body) { body in
      withUnsafePointer(to: body) { context in
        reid_pool_run(
          parts,
          { context, part in
            context?.assumingMemoryBound(to: (@Sendable (Int) -> Void).self).pointee(part)
          }, UnsafeMutableRawPointer(mutating: context))
      }
    }
  }

  /// Runs of rows per thread in `overRows(_:_:)`: the pool hands parts out as threads
  /// become free, so on a machine where one core runs slower (another VM on its sibling
  /// hyperthread), the faster thread takes more of them instead of waiting for the slower.
  /// With a busy loop on one of two vCPUs (Zen 5), Inception-V3's step at 256x128 x 8 ran
  /// 8.9-12.9 img/s on one run per thread and 9.7-13.6 on four, and alike without it.
  static let rowRunsPerThread = 4

  /// Runs `body(begin, end)` over `rows` rows in contiguous runs, `rowRunsPerThread` per
  /// thread (one run when `count` is 1).
  static func overRows(_ rows: Int, _ body: @Sendable (Int64, Int64) -> Void) {
    let parts = count == 1 ? 1 : max(1, min(count * rowRunsPerThread, rows))
    split(parts) { part in body(Int64(rows * part / parts), Int64(rows * (part + 1) / parts)) }
  }

  /// Runs `body(range)` over the rows 0..<rows of a pass that touches `width` scalars per
  /// row, in contiguous runs, one per thread; on the calling thread when the pass is small or
  /// `count` is 1. For passes where each row's outputs depend on that row alone.
  public static func overRows(
    _ rows: Int, width: Int, _ body: @Sendable (Range<Int>) -> Void
  ) {
    let parts = rows * width < minimumParallelScalars ? 1 : max(1, min(count, rows))
    guard parts > 1 else { return body(0..<rows) }
    split(parts) { part in body(rows * part / parts..<rows * (part + 1) / parts) }
  }

  /// Runs `body(range)` over the channels 0..<channels of a (rows, channels) pass in
  /// contiguous runs of whole `channelGrain` blocks, one per thread; on the calling thread
  /// when the pass is small or `count` is 1.
  ///
  /// A per-channel reduction over rows split this way keeps its order (each channel's rows
  /// are summed by one thread, first to last), so its bits do not depend on `count`.
  public static func overChannels(
    _ channels: Int, rows: Int, _ body: @Sendable (Range<Int>) -> Void
  ) {
    let blocks = (channels + channelGrain - 1) / channelGrain
    let parts = rows * channels < minimumParallelScalars ? 1 : max(1, min(count, blocks))
    guard parts > 1 else { return body(0..<channels) }
    split(parts) { part in
      let begin = min(channels, blocks * part / parts * channelGrain)
      let end = min(channels, blocks * (part + 1) / parts * channelGrain)
      if begin < end { body(begin..<end) }
    }
  }
}
