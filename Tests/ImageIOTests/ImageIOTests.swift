import Foundation
import ImageIO
import XCTest

/// JPEG and PNG round trips, typed errors for bad files, and resizing.
final class ImageIOTests: XCTestCase {
  var directory = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "imageio-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// A smooth gradient (JPEG-friendly) of odd size.
  func gradient(width: Int = 37, height: Int = 23) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
      for x in 0..<width {
        image[x, y] = (UInt8(x * 255 / width), UInt8(y * 255 / height), UInt8((x + y) * 2 % 256))
      }
    }
    return image
  }

  func testJPEGRoundTripIsClose() throws {
    let image = gradient()
    let path = directory + "/a.jpg"
    try JPEG.write(image, to: path, quality: 95)
    let decoded = try JPEG.read(path)
    XCTAssertEqual(decoded.width, 37)
    XCTAssertEqual(decoded.height, 23)
    var worst = 0
    for i in 0..<image.pixels.count {
      worst = max(worst, abs(Int(image.pixels[i]) - Int(decoded.pixels[i])))
    }
    XCTAssertLessThan(worst, 40)
    // Decoding is deterministic, and a reused decoder gives the same bits.
    let decoder = try JPEGDecoder()
    XCTAssertEqual(try decoder.read(path), decoded)
    XCTAssertEqual(try decoder.read(path), decoded)
    XCTAssertEqual(try JPEG.encode(image, quality: 95), try FileBytes.read(path))
  }

  func testTruncatedAndCorruptJPEGAreErrorsNamingTheFile() throws {
    let bytes = try JPEG.encode(gradient(), quality: 90)
    let truncated = directory + "/truncated.jpg"
    try FileBytes.write(Array(bytes[0..<(bytes.count / 2)]), to: truncated)
    XCTAssertThrowsError(try JPEG.read(truncated)) { error in
      guard case .corrupt(let file, _) = error as? ImageIOError else {
        return XCTFail("\(error)")
      }
      XCTAssertEqual(file, truncated)
      XCTAssertTrue("\(error)".contains("truncated.jpg"), "\(error)")
    }
    let garbage = directory + "/garbage.jpg"
    try FileBytes.write([0xFF, 0xD8, 0xFF, 0x00] + [UInt8](repeating: 7, count: 100), to: garbage)
    XCTAssertThrowsError(try JPEG.read(garbage)) { XCTAssertTrue("\($0)".contains("garbage.jpg")) }
    let png = directory + "/actually-png.jpg"
    try PNG.write(gradient(), to: png)
    XCTAssertThrowsError(try JPEG.read(png)) { XCTAssertTrue("\($0)".contains("no SOI")) }
    XCTAssertThrowsError(try JPEG.read(directory + "/missing.jpg")) { error in
      guard case .unreadable = error as? ImageIOError else { return XCTFail("\(error)") }
    }
  }

  func testPNGRoundTripsRGBGrayAndPalette() throws {
    let image = gradient()
    let rgbPath = directory + "/rgb.png"
    try PNG.write(image, to: rgbPath)
    XCTAssertEqual(try PNG.readRGB(rgbPath), image)

    var map = LabelMap(width: 13, height: 7)
    for i in 0..<map.labels.count { map.labels[i] = UInt8(i % 20) }
    let grayPath = directory + "/gray.png"
    try PNG.write(map, to: grayPath)
    XCTAssertEqual(try PNG.readLabelMap(grayPath), map)

    // Palette indices survive even where two entries share a color.
    var palette = [(UInt8, UInt8, UInt8)]()
    for i in 0..<20 {
      let value = UInt8(i * 12)
      palette.append(i == 7 ? (0, 0, 0) : (value, 255 - value, UInt8(i * 5)))
    }
    let palettePNG = try PNG.encode(map, palette: palette)
    XCTAssertEqual(try PNG.decodeLabelMap(palettePNG), map)
    // A palette image read as RGB shows the palette colors.
    let shown = try PNG.decodeRGB(palettePNG)
    XCTAssertTrue(shown[1, 0] == palette[1])
  }

  func testRGBPNGIsNotALabelMapAndCorruptPNGIsAnError() throws {
    let rgbPath = directory + "/rgb.png"
    try PNG.write(gradient(), to: rgbPath)
    XCTAssertThrowsError(try PNG.readLabelMap(rgbPath)) { error in
      guard case .unsupported(let file, _) = error as? ImageIOError else {
        return XCTFail("\(error)")
      }
      XCTAssertEqual(file, rgbPath)
    }
    let bytes = try FileBytes.read(rgbPath)
    let truncated = directory + "/truncated.png"
    try FileBytes.write(Array(bytes[0..<(bytes.count * 2 / 3)]), to: truncated)
    XCTAssertThrowsError(try PNG.readRGB(truncated)) { error in
      guard case .corrupt(let file, _) = error as? ImageIOError else {
        return XCTFail("\(error)")
      }
      XCTAssertEqual(file, truncated)
    }
    XCTAssertThrowsError(try PNG.decodeRGB([1, 2, 3, 4, 5, 6, 7, 8, 9], file: "x.png")) {
      XCTAssertEqual("\($0)", "x.png: corrupt or truncated image: not a PNG (bad signature)")
    }
  }

  func testBilinearMatchesHandComputedValues() {
    // 2x1 -> 4x1: source coordinates -0.25 (clamped to 0), 0.25, 0.75, 1.25 (neighbour
    // clamped): values 10, 12.5, 17.5, 20, as F.interpolate(align_corners=False).
    let values = ImageResize.bilinear(
      [10, 20], width: 2, height: 1, channels: 1, toWidth: 4, toHeight: 1)
    XCTAssertEqual(values, [10, 12.5, 17.5, 20])
    // Same size is the identity.
    let image = gradient()
    XCTAssertEqual(ImageResize.bilinear(image, width: 37, height: 23), image)
    // Halving averages pairs.
    let down = ImageResize.bilinear(
      [0, 2, 4, 6], width: 4, height: 1, channels: 1, toWidth: 2, toHeight: 1)
    XCTAssertEqual(down, [1, 5])
  }

  func testNearestResizeOfLabelMapsNeverBlends() {
    let map = LabelMap(width: 2, height: 2, labels: [1, 2, 3, 4])
    let up = ImageResize.nearest(map, width: 4, height: 4)
    XCTAssertEqual(up.labels, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    XCTAssertEqual(ImageResize.nearest(up, width: 2, height: 2), map)
  }
}
