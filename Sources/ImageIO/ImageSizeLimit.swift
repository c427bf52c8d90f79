/// The largest image the decoders accept, checked from the header before any allocation.
///
/// A corrupt or hostile header can declare any size up to 2^31 on a side; allocating that
/// much would abort the process (or exhaust memory) instead of reporting the file. Re-ID
/// crops and LIP images are far smaller than this limit.
public enum ImageSizeLimit {
  /// The most pixels an image may have: 2^26 (for example 8192 x 8192; 192 MiB as RGB).
  public static let maxPixels = 1 << 26

  /// Throws `ImageIOError.unsupported` naming `file` when width x height exceeds `maxPixels`.
  static func check(width: Int, height: Int, file: String) throws {
    guard width.multipliedReportingOverflow(by: height).partialValue <= maxPixels,
      width <= maxPixels, height <= maxPixels
    else {
      throw ImageIOError.unsupported(
        file: file,
        reason: "\(width)x\(height) pixels is more than the \(maxPixels) this reader accepts")
    }
  }
}
