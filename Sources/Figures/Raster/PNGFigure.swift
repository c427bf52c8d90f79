import ImageIO

/// PNG output of figures through ImageIO's encoder and an atomic replace.
enum PNGFigure {
  /// Encodes `image` and writes it to `path` by rename.
  static func write(_ image: RGBImage, to path: String) throws(FigureError) {
    let bytes: [UInt8]
    do {
      bytes = try PNG.encode(image, file: path)
    } catch {
      throw .writeFailed(file: path, reason: "\(error)")
    }
    try AtomicFile.replace(path, with: bytes)
  }
}
