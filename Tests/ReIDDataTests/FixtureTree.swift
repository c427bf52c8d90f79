import Foundation
import ImageIO
import ReIDData
import XCTest

/// A temporary data root with tiny Market, Duke and LIP trees in the real layouts and names.
final class FixtureTree {
  let root: String

  init() throws {
    root = NSTemporaryDirectory() + "reid-data-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  /// A small JPEG whose color encodes `tag`.
  static func jpeg(_ tag: Int, width: Int = 8, height: Int = 16) throws -> [UInt8] {
    let value = UInt8(truncatingIfNeeded: 40 + tag * 13)
    return try JPEG.encode(
      RGBImage(width: width, height: height, fill: (value, 255 - value, 128)), quality: 90)
  }

  func write(_ bytes: [UInt8], _ relative: String) throws {
    let path = root + "/" + relative
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try FileBytes.write(bytes, to: path)
  }

  static let marketTrain = [
    "0002_c1s1_000451_03.jpg", "0002_c2s1_000551_01.jpg", "0007_c3s2_001001_02.jpg",
    "0007_c1s1_000101_01.jpg", "0007_c6s3_002001_01.jpg", "0005_c4s1_000201_04.jpg",
  ]
  static let marketQuery = ["0001_c1s1_001051_00.jpg", "0003_c2s1_000301_00.jpg"]
  static let marketGallery = [
    "0001_c2s1_001101_01.jpg", "0003_c3s1_000401_02.jpg", "0000_c1s1_000151_01.jpg",
    "-1_c1s1_000401_03.jpg", "-1_c5s2_000501_01.jpg", "0001_c6s1_009901_01.jpg",
  ]

  /// Market: 6 train images of pids 2, 5, 7; 2 queries; a gallery with a distractor (0000)
  /// and two junk (-1) images; `Thumbs.db` as the real archive has.
  func market() throws {
    let base = "market1501/Market-1501-v15.09.15/"
    for (i, name) in Self.marketTrain.enumerated() {
      try write(Self.jpeg(i), base + "bounding_box_train/" + name)
    }
    try write([0, 1, 2], base + "bounding_box_train/Thumbs.db")
    for (i, name) in Self.marketQuery.enumerated() {
      try write(Self.jpeg(i), base + "query/" + name)
    }
    for (i, name) in Self.marketGallery.enumerated() {
      try write(Self.jpeg(i), base + "bounding_box_test/" + name)
    }
  }

  /// Duke: train pids 1 and 4, one query, two gallery images.
  func duke() throws {
    let base = "dukemtmc-reid/DukeMTMC-reID/"
    for (i, name) in ["0001_c2_f0046182.jpg", "0001_c5_f0051341.jpg", "0004_c8_f0000001.jpg"]
      .enumerated()
    {
      try write(Self.jpeg(i), base + "bounding_box_train/" + name)
    }
    try write(Self.jpeg(0), base + "query/0009_c1_f0010000.jpg")
    try write(Self.jpeg(1), base + "bounding_box_test/0009_c3_f0010500.jpg")
    try write(Self.jpeg(2), base + "bounding_box_test/0011_c7_f0020000.jpg")
  }

  /// LIP: ids in list order (not sorted), gray label maps with values 0...19.
  func lip(train: [String] = ["77_471474", "12_100001", "5_300000"], val: [String] = ["9_9"])
    throws
  {
    for (split, ids) in [("train", train), ("val", val)] {
      for (i, id) in ids.enumerated() {
        try write(
          Self.jpeg(i, width: 6, height: 10), "lip/TrainVal_images/\(split)_images/\(id).jpg")
        var map = LabelMap(width: 6, height: 10)
        for k in 0..<map.labels.count { map.labels[k] = UInt8((k + i) % 20) }
        try write(
          PNG.encode(map), "lip/TrainVal_parsing_annotations/\(split)_segmentations/\(id).png")
      }
      try write(Array((ids.joined(separator: "\n") + "\n").utf8), "lip/\(split)_id.txt")
    }
  }
}
