/// Strided copies of channel blocks between NHWC tensors: the loops under channel concat
/// and split.
///
/// A block is `channels` contiguous scalars starting at channel `offset` of every pixel of a
/// wider tensor. narrow: (P, channels); wide: (P, wideChannels), P = N * H * W pixels. The
/// pixels split over `KernelThreads.count` threads (each scalar has one writer).
public enum ChannelBlockKernels {
  /// wide[p, offset + k] = narrow[p, k] for every pixel p and k < channels.
  public static func copy(
    _ narrow: UnsafePointer<Float>, channels: Int, into wide: UnsafeMutablePointer<Float>,
    wideChannels: Int, offset: Int, pixels: Int
  ) {
    nonisolated(unsafe) let (narrow, wide) = (narrow, wide)
    KernelThreads.overRows(pixels, width: channels) { range in
      for p in range {
        let src = narrow + p * channels
        let dst = wide + p * wideChannels + offset
        for k in 0..<channels { dst[k] = src[k] }
      }
    }
  }

  /// narrow[p, k] += wide[p, offset + k] for every pixel p and k < channels.
  public static func accumulate(
    _ wide: UnsafePointer<Float>, wideChannels: Int, offset: Int,
    into narrow: UnsafeMutablePointer<Float>, channels: Int, pixels: Int
  ) {
    nonisolated(unsafe) let (narrow, wide) = (narrow, wide)
    KernelThreads.overRows(pixels, width: channels) { range in
      for p in range {
        let src = wide + p * wideChannels + offset
        let dst = narrow + p * channels
        for k in 0..<channels { dst[k] += src[k] }
      }
    }
  }

  /// narrow[p, k] = wide[p, offset + k] for every pixel p and k < channels.
  public static func extract(
    _ wide: UnsafePointer<Float>, wideChannels: Int, offset: Int,
    into narrow: UnsafeMutablePointer<Float>, channels: Int, pixels: Int
  ) {
    nonisolated(unsafe) let (narrow, wide) = (narrow, wide)
    KernelThreads.overRows(pixels, width: channels) { range in
      for p in range {
        let src = wide + p * wideChannels + offset
        let dst = narrow + p * channels
        for k in 0..<channels { dst[k] = src[k] }
      }
    }
  }

  /// wide[p, offset + k] += narrow[p, k] for every pixel p and k < channels.
  public static func accumulate(
    _ narrow: UnsafePointer<Float>, channels: Int, into wide: UnsafeMutablePointer<Float>,
    wideChannels: Int, offset: Int, pixels: Int
  ) {
    nonisolated(unsafe) let (narrow, wide) = (narrow, wide)
    KernelThreads.overRows(pixels, width: channels) { range in
      for p in range {
        let src = narrow + p * channels
        let dst = wide + p * wideChannels + offset
        for k in 0..<channels { dst[k] += src[k] }
      }
    }
  }
}
