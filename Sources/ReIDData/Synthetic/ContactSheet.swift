import ImageIO

/// A grid of synthetic samples beside their colorized part masks, for reading by eye.
public enum ContactSheet {
  /// Colors a LIP label map with LIP's palette.
  /// labels: (h, w) -> (h, w, 3).
  public static func colorize(_ map: LabelMap) -> RGBImage {
    var image = RGBImage(width: map.width, height: map.height)
    for i in 0..<map.labels.count {
      let color = LIPLabel.palette[Int(min(map.labels[i], 19))]
      image.pixels[3 * i] = color.0
      image.pixels[3 * i + 1] = color.1
      image.pixels[3 * i + 2] = color.2
    }
    return image
  }

  /// One row per identity (the first `identities` test identities of the Market-format
  /// dataset, so look-alike families sit on adjacent rows), up to `perIdentity` images of
  /// each, every image followed by its part mask.
  public static func render(
    preset: SyntheticPreset, seed: UInt64, identities: Int = 6, perIdentity: Int = 3
  ) -> RGBImage {
    let plan = SyntheticReIDPlan(kind: .market1501, preset: preset, seed: seed)
    let firstTest = preset.market.trainIdentities
    let cellW = preset.width
    let cellH = preset.height
    let gap = 2
    let columns = 2 * perIdentity
    var sheet = RGBImage(
      width: columns * (cellW + gap) + gap, height: identities * (cellH + gap) + gap,
      fill: (255, 255, 255))
    for row in 0..<identities {
      let images = plan.images.filter { $0.identity == firstTest + row }.prefix(perIdentity)
      for (column, planned) in images.enumerated() {
        let (image, labels) = plan.render(planned)
        let y = gap + row * (cellH + gap)
        paste(image, into: &sheet, x: gap + 2 * column * (cellW + gap), y: y)
        paste(colorize(labels), into: &sheet, x: gap + (2 * column + 1) * (cellW + gap), y: y)
      }
    }
    return sheet
  }

  static func paste(_ image: RGBImage, into sheet: inout RGBImage, x: Int, y: Int) {
    for row in 0..<image.height {
      for column in 0..<image.width {
        sheet[x + column, y + row] = image[column, row]
      }
    }
  }
}
