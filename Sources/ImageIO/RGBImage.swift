import TensorCore

/// An 8-bit RGB image, rows top to bottom, pixels interleaved.
///
/// pixels: (height, width, 3) row-major, R G B per pixel.
public struct RGBImage: Sendable, Equatable {
  /// Columns.
  public let width: Int
  /// Rows.
  public let height: Int
  /// `height * width * 3` bytes, row-major, RGB interleaved.
  public var pixels: [UInt8]

  /// An image of the given size filled with one color.
  public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
    checkPrecondition(width > 0 && height > 0, "RGBImage: size \(width)x\(height) must be positive")
    self.width = width
    self.height = height
    var p = [UInt8](repeating: 0, count: width * height * 3)
    if fill != (0, 0, 0) {
      for i in 0..<(width * height) {
        p[3 * i] = fill.0
        p[3 * i + 1] = fill.1
        p[3 * i + 2] = fill.2
      }
    }
    pixels = p
  }

  /// An image over existing interleaved RGB bytes.
  public init(width: Int, height: Int, pixels: [UInt8]) {
    checkPrecondition(
      width > 0 && height > 0 && pixels.count == width * height * 3,
      "RGBImage: \(pixels.count) bytes for \(width)x\(height)x3")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// The color at column `x`, row `y`.
  public subscript(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
    get {
      let o = 3 * (y * width + x)
      return (pixels[o], pixels[o + 1], pixels[o + 2])
    }
    set {
      let o = 3 * (y * width + x)
      pixels[o] = newValue.0
      pixels[o + 1] = newValue.1
      pixels[o + 2] = newValue.2
    }
  }
}
