import ImageIO

/// The colors that show LIP human-parsing labels as in the literature.
///
/// CE2P and the LIP toolkit's `get_palette` use the PASCAL VOC palette: label j's red, green
/// and blue take the bits of j in turn, most significant first. Label 0 (background) is
/// black; 255 (ignored pixels) is white here, so it stands apart from every class.
public enum LIPPalette {
  /// The label annotations use for pixels that are not scored.
  public static let ignoreLabel: UInt8 = 255

  /// The 20 LIP classes' colors, background first.
  public static let colors: [RGBColor] = (0..<20).map { vocColor(of: $0) }

  /// The color of `label`; labels 20...254 (no LIP class) get the same formula's colors,
  /// as `get_palette(256)` would.
  public static func color(of label: UInt8) -> RGBColor {
    label == ignoreLabel ? .white : vocColor(of: Int(label))
  }

  /// The label map as an RGB image of the same size.
  public static func colorize(_ map: LabelMap) -> RGBImage {
    let lookup = (0...255).map { color(of: UInt8($0)) }
    var pixels = [UInt8](repeating: 0, count: map.labels.count * 3)
    for (i, label) in map.labels.enumerated() {
      let c = lookup[Int(label)]
      pixels[3 * i] = c.red
      pixels[3 * i + 1] = c.green
      pixels[3 * i + 2] = c.blue
    }
    return RGBImage(width: map.width, height: map.height, pixels: pixels)
  }

  /// The PASCAL VOC palette's color of `label`.
  static func vocColor(of label: Int) -> RGBColor {
    var j = label
    var r: UInt8 = 0
    var g: UInt8 = 0
    var b: UInt8 = 0
    for i in 0..<8 {
      r |= UInt8((j >> 0) & 1) << (7 - i)
      g |= UInt8((j >> 1) & 1) << (7 - i)
      b |= UInt8((j >> 2) & 1) << (7 - i)
      j >>= 3
    }
    return RGBColor(red: r, green: g, blue: b)
  }
}
