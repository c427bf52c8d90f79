import Foundation
import ImageIO
import ReIDData
import XCTest

/// The synthetic generator: determinism, real layouts the loaders accept, LIP conventions.
final class SyntheticTests: XCTestCase {
  /// The content fingerprint of `reid synth --preset smoke --seed 7` (libjpeg-turbo 2.1.5,
  /// libpng 1.6.39). A change here means every synthetic run id changes: bump it knowingly.
  static let smokeSeed7Digest = "f329fa33721fbfc7"

  /// `--force` replaces folders the generator wrote, never others (real data under the same
  /// root survives), and an output that cannot be a folder is a named error.
  func testForceReplacesOnlySyntheticFolders() throws {
    let tree = try FixtureTree()
    let generator = SyntheticGenerator(preset: .smoke, seed: 7)
    let real = tree.root + "/real/market1501/Market-1501-v15.09.15/query"
    try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: true)
    let image = real + "/0001_c1s1_000001_01.jpg"
    try JPEG.write(RGBImage(width: 8, height: 16), to: image)
    XCTAssertThrowsError(try generator.write(to: tree.root + "/real", force: true)) {
      XCTAssertEqual($0 as? SyntheticError, .notSynthetic(tree.root + "/real/market1501"))
    }
    XCTAssertTrue(FileManager.default.fileExists(atPath: image))
    try generator.write(to: tree.root + "/synthetic")
    // A killed generator's staging folder is removed by the next one; a live one's is not.
    let abandoned = tree.root + "/synthetic/.synth-staging-2147483646"
    let live = tree.root + "/synthetic/.synth-staging-1"
    for folder in [abandoned, live] {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    try generator.write(to: tree.root + "/synthetic", force: true)
    XCTAssertFalse(FileManager.default.fileExists(atPath: abandoned))
    XCTAssertTrue(FileManager.default.fileExists(atPath: live))
    let file = tree.root + "/a-file"
    try FileBytes.write([1], to: file)
    for output in [file, file + "/below"] {
      XCTAssertThrowsError(try generator.write(to: output)) {
        guard case .cannotCreate(output, _) = $0 as? SyntheticError else {
          return XCTFail("\($0)")
        }
      }
    }
  }

  func testSmokeGenerationIsByteIdenticalAndLoads() throws {
    let tree = try FixtureTree()
    let generator = SyntheticGenerator(preset: .smoke, seed: 7)
    try generator.write(to: tree.root + "/a")
    try generator.write(to: tree.root + "/b")
    let a = try DatasetFingerprint.digest(of: tree.root + "/a", contents: true)
    XCTAssertEqual(a, try DatasetFingerprint.digest(of: tree.root + "/b", contents: true))
    XCTAssertEqual(String(a.prefix(16)), Self.smokeSeed7Digest)
    XCTAssertThrowsError(try generator.write(to: tree.root + "/a")) {
      XCTAssertEqual($0 as? SyntheticError, .outputExists(tree.root + "/a/market1501"))
    }

    let market = try ReIDDataset.load(.market1501, dataRoot: tree.root + "/a")
    XCTAssertEqual(market.trainIdentityCount, 6)
    XCTAssertEqual(Set(market.train.map(\.camera)).isSubset(of: Set(0..<6)), true)
    XCTAssertTrue(market.gallery.contains { $0.pid == 0 })
    let junk = try FileManager.default.contentsOfDirectory(
      atPath: market.folder + "/bounding_box_test"
    ).filter { $0.hasPrefix("-1_") }
    XCTAssertEqual(junk.count, 2)
    // Every query has a gallery match from another camera.
    for query in market.query {
      XCTAssertTrue(market.gallery.contains { $0.pid == query.pid && $0.camera != query.camera })
    }
    let duke = try ReIDDataset.load(.dukemtmc, dataRoot: tree.root + "/a")
    XCTAssertEqual(duke.trainIdentityCount, 6)
    XCTAssertEqual(Set(duke.gallery.map(\.pid)).subtracting(duke.query.map(\.pid)).count, 2)

    let lip = try LIPDataset.load(dataRoot: tree.root + "/a")
    XCTAssertEqual(lip.train.count, 24)
    for sample in lip.train.prefix(5) {
      let image = try JPEG.read(sample.imagePath)
      let labels = try PNG.readLabelMap(sample.labelPath)
      XCTAssertEqual(image.width, labels.width)
      XCTAssertEqual(image.height, labels.height)
      XCTAssertLessThanOrEqual(labels.labels.max() ?? 0, 19)
      XCTAssertGreaterThan(labels.labels.filter { $0 != 0 }.count, labels.labels.count / 20)
    }
  }

  func testLeftAndRightFollowLIPsConvention() {
    // Facing the camera, the person's left arm, leg and shoe are on the image's right.
    for facing in [true, false] {
      for seed in UInt64(1)...5 {
        let (_, labels) = SyntheticGenerator.person(
          seed: seed, facingCamera: facing, width: 64, height: 128)
        func meanX(_ label: UInt8) -> Double? {
          var sum = 0
          var count = 0
          for y in 0..<labels.height {
            for x in 0..<labels.width where labels[x, y] == label {
              sum += x
              count += 1
            }
          }
          return count == 0 ? nil : Double(sum) / Double(count)
        }
        for (left, right) in [(UInt8(16), UInt8(17)), (18, 19), (14, 15)] {
          guard let l = meanX(left), let r = meanX(right) else { continue }
          XCTAssertEqual(l > r, facing, "seed \(seed) facing \(facing) labels \(left)/\(right)")
        }
        XCTAssertTrue(labels.labels.contains(2), "hair")
        XCTAssertTrue(labels.labels.contains(18) && labels.labels.contains(19), "shoes")
        if facing { XCTAssertTrue(labels.labels.contains(13), "face") }
      }
    }
  }

  func testContactSheetIsDeterministic() throws {
    let a = ContactSheet.render(preset: .smoke, seed: 3, identities: 2, perIdentity: 2)
    XCTAssertEqual(a, ContactSheet.render(preset: .smoke, seed: 3, identities: 2, perIdentity: 2))
    XCTAssertEqual(a.width, 4 * (32 + 2) + 2)
  }
}
