import CPNG

/// PNG decode and encode through libpng's simplified API (`png_image_*`).
///
/// The classic libpng API reports errors with `longjmp`, which Swift cannot survive; the
/// simplified API returns zero and leaves a message in `png_image.message`. Its size macros
/// (`PNG_IMAGE_SIZE`, ...) are function-like and do not import, so sizes are computed here.
public enum PNG {
  // The simplified API's format bits (png.h `PNG_FORMAT_*`), spelled out because the
  // composite macros do not all import.
  static let formatGray: UInt32 = 0
  static let flagAlpha: UInt32 = 0x01
  static let flagColor: UInt32 = 0x02
  static let flagLinear: UInt32 = 0x04
  static let flagColormap: UInt32 = 0x08
  static let formatRGB: UInt32 = flagColor
  static let formatRGBColormap: UInt32 = flagColor | flagColormap

  // MARK: - Reading

  /// Decodes PNG `bytes` to 8-bit RGB (gray, palette, 16-bit and alpha input are converted;
  /// alpha is composited onto black).
  public static func decodeRGB(_ bytes: [UInt8], file: String = "<memory>") throws -> RGBImage {
    try withImage(bytes, file: file) { image in
      image.format = formatRGB
      var pixels = [UInt8](repeating: 0, count: Int(image.width) * Int(image.height) * 3)
      var black = png_color(red: 0, green: 0, blue: 0)
      let ok = pixels.withUnsafeMutableBytes { p in
        png_image_finish_read(&image, &black, p.baseAddress, 0, nil)
      }
      guard ok != 0 else { throw ImageIOError.corrupt(file: file, reason: message(image)) }
      return RGBImage(width: Int(image.width), height: Int(image.height), pixels: pixels)
    }
  }

  /// Decodes an 8-bit gray or palette PNG to a label map: the stored gray value or palette
  /// index is the label.
  /// - Throws: `ImageIOError.unsupported` for color, alpha or 16-bit images, whose values
  ///   libpng would convert rather than pass through.
  public static func decodeLabelMap(_ bytes: [UInt8], file: String = "<memory>") throws
    -> LabelMap
  {
    try withImage(bytes, file: file) { image in
      let isPalette = image.format & flagColormap != 0
      if !isPalette && image.format != formatGray {
        throw ImageIOError.unsupported(
          file: file,
          reason: "a label map must be an 8-bit gray or palette PNG (format bits \(image.format))")
      }
      // IHDR's bit depth (byte 24; `withImage` checked the signature, libpng the header):
      // libpng would scale 1-, 2- and 4-bit gray samples up to 8 bits.
      if !isPalette && bytes[24] != 8 {
        throw ImageIOError.unsupported(
          file: file, reason: "a gray label map must have 8-bit samples, not \(bytes[24])-bit")
      }
      var labels = [UInt8](repeating: 0, count: Int(image.width) * Int(image.height))
      var colormap = [UInt8](repeating: 0, count: 256 * 4)
      // Both kinds are read color-mapped, which keeps the stored indices or gray values: a
      // plain gray read would gamma-correct them when the file has a gAMA chunk. A palette
      // with transparency (tRNS) keeps its alpha in the colormap, which is then ignored.
      image.format =
        isPalette ? formatRGBColormap | (image.format & flagAlpha) : formatGray | flagColormap
      let ok = labels.withUnsafeMutableBytes { p in
        colormap.withUnsafeMutableBytes { c in
          png_image_finish_read(&image, nil, p.baseAddress, 0, c.baseAddress)
        }
      }
      guard ok != 0 else { throw ImageIOError.corrupt(file: file, reason: message(image)) }
      return LabelMap(width: Int(image.width), height: Int(image.height), labels: labels)
    }
  }

  /// Reads the PNG file at `path` as RGB.
  public static func readRGB(_ path: String) throws -> RGBImage {
    try decodeRGB(FileBytes.read(path), file: path)
  }

  /// Reads the PNG file at `path` as a label map.
  public static func readLabelMap(_ path: String) throws -> LabelMap {
    try decodeLabelMap(FileBytes.read(path), file: path)
  }

  // MARK: - Writing

  /// Encodes an RGB image.
  public static func encode(_ image: RGBImage, file: String = "<memory>") throws -> [UInt8] {
    try encode(
      width: image.width, height: image.height, format: formatRGB, pixels: image.pixels,
      colormap: nil, file: file)
  }

  /// Encodes a label map as an 8-bit gray PNG (the LIP annotation format).
  public static func encode(_ map: LabelMap, file: String = "<memory>") throws -> [UInt8] {
    try encode(
      width: map.width, height: map.height, format: formatGray, pixels: map.labels,
      colormap: nil, file: file)
  }

  /// Encodes a label map as a palette PNG whose index `i` is shown as `palette[i]`.
  /// - Parameter palette: 1...256 RGB colors; every label must index into it.
  public static func encode(
    _ map: LabelMap, palette: [(UInt8, UInt8, UInt8)], file: String = "<memory>"
  ) throws -> [UInt8] {
    guard (1...256).contains(palette.count), let top = map.labels.max(), Int(top) < palette.count
    else {
      throw ImageIOError.writeFailed(
        file: file, reason: "a palette of \(palette.count) colors does not cover the labels")
    }
    let colormap = palette.flatMap { [$0.0, $0.1, $0.2] }
    return try encode(
      width: map.width, height: map.height, format: formatRGBColormap, pixels: map.labels,
      colormap: colormap, file: file)
  }

  /// Encodes and writes an RGB image to `path`.
  public static func write(_ image: RGBImage, to path: String) throws {
    try FileBytes.write(encode(image, file: path), to: path)
  }

  /// Encodes and writes a label map as 8-bit gray to `path`.
  public static func write(_ map: LabelMap, to path: String) throws {
    try FileBytes.write(encode(map, file: path), to: path)
  }

  // MARK: - Helpers

  private static func withImage<R>(
    _ bytes: [UInt8], file: String, _ body: (inout png_image) throws -> R
  ) throws -> R {
    guard bytes.count >= 8, bytes[0] == 0x89, bytes[1] == 0x50, bytes[2] == 0x4E,
      bytes[3] == 0x47
    else { throw ImageIOError.corrupt(file: file, reason: "not a PNG (bad signature)") }
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    defer { png_image_free(&image) }
    let ok = bytes.withUnsafeBytes { p in
      png_image_begin_read_from_memory(&image, p.baseAddress, p.count)
    }
    guard ok != 0 else { throw ImageIOError.corrupt(file: file, reason: message(image)) }
    try ImageSizeLimit.check(width: Int(image.width), height: Int(image.height), file: file)
    return try body(&image)
  }

  private static func encode(
    width: Int, height: Int, format: UInt32, pixels: [UInt8], colormap: [UInt8]?, file: String
  ) throws -> [UInt8] {
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    image.width = UInt32(width)
    image.height = UInt32(height)
    image.format = format
    image.colormap_entries = UInt32((colormap?.count ?? 0) / 3)
    defer { png_image_free(&image) }
    var size = 0
    // First call sizes the output, the second writes it.
    for pass in 0..<2 {
      var output = [UInt8](repeating: 0, count: pass == 0 ? 0 : size)
      let ok = pixels.withUnsafeBytes { src in
        output.withUnsafeMutableBytes { dst in
          withColormap(colormap) { cmap in
            png_image_write_to_memory(
              &image, pass == 0 ? nil : dst.baseAddress, &size, 0, src.baseAddress, 0, cmap)
          }
        }
      }
      guard ok != 0 else { throw ImageIOError.writeFailed(file: file, reason: message(image)) }
      if pass == 1 { return Array(output[0..<size]) }
    }
    return []
  }

  private static func withColormap<R>(
    _ colormap: [UInt8]?, _ body: (UnsafeRawPointer?) -> R
  ) -> R {
    guard let colormap else { return body(nil) }
    return colormap.withUnsafeBytes { body($0.baseAddress) }
  }

  private static func message(_ image: png_image) -> String {
    var copy = image.message
    return withUnsafeBytes(of: &copy) { raw in
      let bytes = raw.prefix { $0 != 0 }
      return String(decoding: bytes, as: UTF8.self)
    }
  }
}
