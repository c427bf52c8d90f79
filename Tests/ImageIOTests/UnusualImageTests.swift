import Foundation
import ImageIO
import XCTest

/// Headers that would make a decoder allocate absurd amounts, and valid files in variants
/// whose values libpng or TurboJPEG would convert rather than pass through: all are errors
/// naming the file (or, for gAMA label maps, read as stored).
final class UnusualImageTests: XCTestCase {
  /// A 8x8 CMYK JPEG written by PIL (`Image.new("CMYK", (8, 8)).save(..., "JPEG")`).
  static let cmykJPEGBase64 =
    "/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwAQCwwODAoQDg0OEhEQExgoGhgWFhgxIyUdKDozPTw5Mzg3QEhcTkBEV0U3"
    + "OFBtUVdfYmdoZz5NcXlwZHhcZWdj/8AAFAgACAAIBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAAB"
    + "AgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNi"
    + "coIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SV"
    + "lpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4E"
    + "QwBNAFkASwAAPwDu67auxrrK/9k="

  /// CRC-32 (ISO-HDLC), as PNG chunks carry it.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  static func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
  }

  static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typed = Array(type.utf8) + data
    return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
  }

  /// A gray PNG of packed `rows` (each with its filter byte 0 prepended here), stored in one
  /// uncompressed deflate block, with an optional gAMA chunk (gamma x 100000).
  static func grayPNG(
    width: Int, height: Int, bitDepth: UInt8, rows: [[UInt8]], gamma: UInt32? = nil
  ) -> [UInt8] {
    let raw: [UInt8] = rows.flatMap { row -> [UInt8] in [0] + row }
    var adlerA: UInt32 = 1
    var adlerB: UInt32 = 0
    for byte in raw {
      adlerA = (adlerA + UInt32(byte)) % 65521
      adlerB = (adlerB + adlerA) % 65521
    }
    let length = UInt16(raw.count)
    let lengths: [UInt8] = [
      UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8),
    ]
    // zlib header, one final stored block, the data, Adler-32.
    let zlib: [UInt8] = [0x78, 0x01, 0x01] + lengths + raw + bigEndian(adlerB << 16 | adlerA)
    let header: [UInt8] =
      bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [bitDepth, 0, 0, 0, 0]
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let gammaChunk: [UInt8] = gamma.map { chunk("gAMA", bigEndian($0)) } ?? []
    let chunks: [UInt8] = chunk("IHDR", header) + gammaChunk + chunk("IDAT", zlib)
    return signature + chunks + chunk("IEND", [])
  }

  /// An 8-bit palette PNG of one row of `indices` over a gray palette of `colors` entries,
  /// with a tRNS chunk making entry 0 transparent.
  static func transparentPalettePNG(indices: [UInt8], colors: Int) -> [UInt8] {
    let gray = grayPNG(width: indices.count, height: 1, bitDepth: 8, rows: [indices])
    // Reuse the gray file's IDAT (same sample layout), with color type 3 and the palette.
    let idatStart = 8 + 25
    let idat = Array(gray[idatStart..<(gray.count - 12)])
    let header: [UInt8] =
      bigEndian(UInt32(indices.count)) + bigEndian(1) + [8, 3, 0, 0, 0]
    var palette: [UInt8] = []
    for entry in 0..<colors {
      palette += [UInt8(entry * 10), UInt8(entry * 10), UInt8(entry * 10)]
    }
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let head: [UInt8] = signature + chunk("IHDR", header)
    let tables: [UInt8] = chunk("PLTE", palette) + chunk("tRNS", [0])
    return head + tables + idat + chunk("IEND", [])
  }

  /// A palette label map with a transparent entry (PIL writes one for `transparency=0`)
  /// still reads as its indices; it was reported as corrupt.
  func testPaletteWithTransparencyKeepsItsIndices() throws {
    let indices: [UInt8] = [0, 1, 2, 19, 5, 0]
    let png = Self.transparentPalettePNG(indices: indices, colors: 20)
    XCTAssertEqual(try PNG.decodeLabelMap(png, file: "t.png").labels, indices)
  }

  /// A gAMA chunk far from sRGB does not change a gray label map's values (a plain gray read
  /// would map 1, 2, 3 to 21, 28, 34 under gamma 1.0); the same image without gAMA agrees.
  func testGrayLabelMapKeepsStoredValuesWhateverItsGamma() throws {
    let rows: [[UInt8]] = [[0, 1, 2, 3, 4], [5, 17, 18, 19, 255]]
    for gamma in [nil, 45455, 100_000] as [UInt32?] {
      let png = Self.grayPNG(width: 5, height: 2, bitDepth: 8, rows: rows, gamma: gamma)
      let map = try PNG.decodeLabelMap(png, file: "g.png")
      XCTAssertEqual(map.labels, rows.flatMap { $0 }, "gamma \(gamma ?? 0)")
    }
  }

  /// 4-bit gray samples would be scaled by 17: not a label map.
  func testLowBitDepthGrayIsNotALabelMap() throws {
    let png = Self.grayPNG(width: 4, height: 1, bitDepth: 4, rows: [[0x12, 0x34]])
    XCTAssertEqual(try PNG.decodeRGB(png).width, 4, "the test image itself is valid")
    XCTAssertThrowsError(try PNG.decodeLabelMap(png, file: "four.png")) { error in
      guard case .unsupported(let file, let reason) = error as? ImageIOError else {
        return XCTFail("\(error)")
      }
      XCTAssertEqual(file, "four.png")
      XCTAssertTrue(reason.contains("8-bit"), reason)
    }
  }

  /// A header declaring 1,000,000 x 1,000,000 pixels (no data follows) is refused before
  /// anything is allocated, for both readers of PNG and for JPEG.
  func testHugeDeclaredSizesAreErrorsNotAllocations() throws {
    let png = Array(Self.grayPNG(width: 1_000_000, height: 1_000_000, bitDepth: 8, rows: []))
    for read in [
      { _ = try PNG.decodeRGB(png, file: "huge.png") },
      { _ = try PNG.decodeLabelMap(png, file: "huge.png") },
    ] {
      XCTAssertThrowsError(try read()) { error in
        guard case .unsupported("huge.png", let reason) = error as? ImageIOError else {
          return XCTFail("\(error)")
        }
        XCTAssertTrue(reason.contains("1000000x1000000"), reason)
      }
    }
    // A JPEG whose SOF0 says 60000 x 60000.
    var jpeg = try JPEG.encode(RGBImage(width: 8, height: 8), quality: 90)
    guard
      let sof = (0..<(jpeg.count - 1)).first(where: { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
    else { return XCTFail("no SOF0 marker") }
    jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xEA, 0x60, 0xEA, 0x60])
    XCTAssertThrowsError(try JPEG.decode(jpeg, file: "huge.jpg")) { error in
      guard case .unsupported("huge.jpg", let reason) = error as? ImageIOError else {
        return XCTFail("\(error)")
      }
      XCTAssertTrue(reason.contains("60000x60000"), reason)
    }
  }

  func testCMYKJPEGIsUnsupportedNotCorrupt() throws {
    let bytes = try XCTUnwrap(Data(base64Encoded: Self.cmykJPEGBase64))
    XCTAssertThrowsError(try JPEG.decode(Array(bytes), file: "cmyk.jpg")) { error in
      guard case .unsupported("cmyk.jpg", let reason) = error as? ImageIOError else {
        return XCTFail("\(error)")
      }
      XCTAssertTrue(reason.contains("CMYK"), reason)
    }
  }
}
