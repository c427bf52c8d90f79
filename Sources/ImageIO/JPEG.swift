import CTurboJPEG

/// JPEG decode and encode through the TurboJPEG 2.x API (error codes, never `longjmp`).
///
/// Decoding uses `TJFLAG_ACCURATEDCT`, which makes the pixels bit-identical to PIL's
/// (accurate integer IDCT and fancy upsampling, as PyTorch pipelines decode). A decoder owns
/// a TurboJPEG handle: keep one per thread and reuse it; it is not thread-safe.
public final class JPEGDecoder {
  private let handle: tjhandle

  /// A decoder with its own TurboJPEG handle.
  public init() throws {
    guard let handle = tjInitDecompress() else {
      throw ImageIOError.unreadable(file: "<turbojpeg>", reason: "tjInitDecompress failed")
    }
    self.handle = handle
  }

  deinit { tjDestroy(handle) }

  /// Decodes JPEG `bytes` to RGB; `file` names the source in errors.
  /// - Throws: `ImageIOError.corrupt` for truncated or invalid data (warnings such as a
  ///   premature end of data are errors too: no partial image is returned).
  public func decode(_ bytes: [UInt8], file: String) throws -> RGBImage {
    guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
      throw ImageIOError.corrupt(file: file, reason: "not a JPEG (no SOI marker)")
    }
    var width: Int32 = 0
    var height: Int32 = 0
    var subsampling: Int32 = 0
    var colorspace: Int32 = 0
    let size = UInt(bytes.count)
    let headerStatus = bytes.withUnsafeBufferPointer { p in
      tjDecompressHeader3(handle, p.baseAddress, size, &width, &height, &subsampling, &colorspace)
    }
    guard headerStatus == 0 else { throw error(file) }
    guard width > 0, height > 0 else {
      throw ImageIOError.corrupt(file: file, reason: "size \(width)x\(height)")
    }
    try ImageSizeLimit.check(width: Int(width), height: Int(height), file: file)
    if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
      throw ImageIOError.unsupported(
        file: file, reason: "a CMYK JPEG; expected YCbCr, RGB or grayscale")
    }
    var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * 3)
    let status = bytes.withUnsafeBufferPointer { src in
      pixels.withUnsafeMutableBufferPointer { dst in
        tjDecompress2(
          handle, src.baseAddress, size, dst.baseAddress, width, 0, height,
          Int32(TJPF_RGB.rawValue), TJFLAG_ACCURATEDCT)
      }
    }
    guard status == 0 else { throw error(file) }
    return RGBImage(width: Int(width), height: Int(height), pixels: pixels)
  }

  /// Reads and decodes the JPEG file at `path`.
  public func read(_ path: String) throws -> RGBImage {
    try decode(FileBytes.read(path), file: path)
  }

  private func error(_ file: String) -> ImageIOError {
    .corrupt(file: file, reason: String(cString: tjGetErrorStr2(handle)))
  }
}

/// JPEG encoding and one-shot decoding.
public enum JPEG {
  /// Decodes JPEG `bytes` with a fresh decoder (use a `JPEGDecoder` in loops).
  public static func decode(_ bytes: [UInt8], file: String = "<memory>") throws -> RGBImage {
    try JPEGDecoder().decode(bytes, file: file)
  }

  /// Reads and decodes the JPEG file at `path`.
  public static func read(_ path: String) throws -> RGBImage {
    try JPEGDecoder().read(path)
  }

  /// Encodes `image` as a baseline JPEG with 4:2:0 chroma subsampling.
  /// - Parameter quality: 1...100.
  public static func encode(_ image: RGBImage, quality: Int = 90, file: String = "<memory>")
    throws -> [UInt8]
  {
    guard let handle = tjInitCompress() else {
      throw ImageIOError.writeFailed(file: file, reason: "tjInitCompress failed")
    }
    defer { tjDestroy(handle) }
    var output: UnsafeMutablePointer<UInt8>? = nil
    var size: UInt = 0
    let status = image.pixels.withUnsafeBufferPointer { src in
      tjCompress2(
        handle, src.baseAddress, Int32(image.width), 0, Int32(image.height),
        Int32(TJPF_RGB.rawValue), &output, &size, Int32(TJSAMP_420.rawValue),
        Int32(max(1, min(100, quality))), TJFLAG_ACCURATEDCT)
    }
    defer { if let output { tjFree(output) } }
    guard status == 0, let output else {
      throw ImageIOError.writeFailed(file: file, reason: String(cString: tjGetErrorStr2(handle)))
    }
    return Array(UnsafeBufferPointer(start: output, count: Int(size)))
  }

  /// Encodes `image` and writes it to `path` (replace by rename: never a partial file).
  public static func write(_ image: RGBImage, to path: String, quality: Int = 90) throws {
    try FileBytes.write(encode(image, quality: quality, file: path), to: path)
  }
}
