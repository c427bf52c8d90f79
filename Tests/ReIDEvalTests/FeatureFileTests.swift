import Checkpoint
import Foundation
import ReIDEval
import TensorCore
import XCTest

/// Feature files: round trips, and a clear typed error for every malformed file.
final class FeatureFileTests: XCTestCase {
  var directory = ""

  override func setUpWithError() throws {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("reideval-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    directory = url.path
  }

  override func tearDownWithError() throws {
    if !directory.isEmpty { try? FileManager.default.removeItem(atPath: directory) }
  }

  func path(_ name: String) -> String { directory + "/" + name }

  static func split(_ count: Int, dimension: Int = 4, offset: Float = 0, paths: Bool = false)
    -> FeatureSplit
  {
    FeatureSplit(
      features: Tensor(shape: Shape([count, dimension])) { Float($0) * 0.25 + offset },
      labels: IdentityLabels(
        pids: (0..<count).map { Int64($0 % 3) }, camids: (0..<count).map { Int64($0 % 2) }),
      paths: paths ? (0..<count).map { "images/\($0)_c\($0 % 2).jpg" } : nil)
  }

  func testRoundTripKeepsEverything() throws {
    let file = FeatureFile(
      query: Self.split(3, paths: true), gallery: Self.split(7, offset: 1))
    try file.write(to: path("f.h5"))
    let read = try FeatureFile.read(from: path("f.h5"))
    XCTAssertEqual(read.query.features, file.query.features)
    XCTAssertEqual(read.gallery.features, file.gallery.features)
    XCTAssertEqual(read.query.labels, file.query.labels)
    XCTAssertEqual(read.gallery.labels, file.gallery.labels)
    XCTAssertEqual(read.query.paths, file.query.paths)
    XCTAssertNil(read.gallery.paths)
    let h5 = try HDF5File.open(path("f.h5"))
    defer { try? h5.close() }
    XCTAssertEqual(try h5.stringAttribute("format"), "reid-features")
    XCTAssertEqual(try h5.attribute("version", as: Int64.self), 1)
  }

  func testWriteRefusesNonFiniteFeaturesAndLeavesNoFile() throws {
    var gallery = Self.split(5)
    gallery.features[3, 2] = .infinity
    XCTAssertThrowsError(
      try FeatureFile(query: Self.split(2), gallery: gallery).write(to: path("f.h5"))
    ) { error in
      XCTAssertEqual(
        error as? FeatureFileError,
        FeatureFileError(
          file: path("f.h5"), object: "/gallery/features",
          kind: .nonFinite(row: 3, column: 2, value: .infinity)))
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: path("f.h5")))
  }

  // MARK: - Malformed files

  /// Writes a valid file, then lets `damage` change it through the HDF5 layer.
  func malformed(_ damage: (HDF5File) throws -> Void) throws -> String {
    let target = path("bad.h5")
    try? FileManager.default.removeItem(atPath: target)
    try FeatureFile(query: Self.split(3), gallery: Self.split(5)).write(to: target)
    let file = try HDF5File.open(target, mode: .readWrite)
    try damage(file)
    try file.close()
    return target
  }

  func expectError(
    _ file: String, _ kind: FeatureFileError.Kind, object: String?, line: UInt = #line
  ) {
    XCTAssertThrowsError(try FeatureFile.read(from: file), line: line) { error in
      guard let error = error as? FeatureFileError else {
        return XCTFail("expected a FeatureFileError, got \(error)", line: line)
      }
      XCTAssertEqual(error.kind, kind, line: line)
      XCTAssertEqual(error.object, object, line: line)
      XCTAssertTrue(error.description.hasPrefix(file), "\(error)", line: line)
    }
  }

  func testMissingGroupOrDataset() throws {
    expectError(try malformed { try $0.remove("gallery") }, .missing, object: "/gallery")
    expectError(try malformed { try $0.remove("query/camids") }, .missing, object: "/query/camids")
    expectError(
      try malformed { try $0.remove("gallery/features") }, .missing, object: "/gallery/features")
  }

  func testShapeMismatches() throws {
    let shortPids = try malformed { file in
      try file.remove("gallery/pids")
      try file.write([Int64](repeating: 1, count: 4), shape: [4], to: "gallery/pids")
    }
    expectError(
      shortPids, .shapeMismatch(expected: "(5) like features (N, D)", found: "(4)"),
      object: "/gallery/pids")
    let flatFeatures = try malformed { file in
      try file.remove("query/features")
      try file.write([Float](repeating: 1, count: 12), shape: [12], to: "query/features")
    }
    expectError(
      flatFeatures, .shapeMismatch(expected: "(N, D)", found: "(12)"), object: "/query/features")
    let otherDimension = try malformed { file in
      try file.remove("gallery/features")
      try file.write([Float](repeating: 1, count: 15), shape: [5, 3], to: "gallery/features")
    }
    expectError(
      otherDimension, .shapeMismatch(expected: "(5, 4) like /query/features", found: "(5, 3)"),
      object: "/gallery/features")
    let paths = try malformed { try $0.write(["a", "b"], to: "query/paths") }
    expectError(paths, .shapeMismatch(expected: "(3)", found: "(2)"), object: "/query/paths")
  }

  func testTypeMismatchesAndEmptySplits() throws {
    let floatPids = try malformed { file in
      try file.remove("query/pids")
      try file.write([Float](repeating: 1, count: 3), shape: [3], to: "query/pids")
    }
    expectError(
      floatPids, .typeMismatch(expected: "int64", found: "float32"), object: "/query/pids")
    let doubles = try malformed { file in
      try file.remove("query/features")
      try file.write([Double](repeating: 1, count: 12), shape: [3, 4], to: "query/features")
    }
    expectError(
      doubles, .typeMismatch(expected: "float32", found: "float64"), object: "/query/features")
    let empty = try malformed { file in
      try file.remove("gallery/features")
      try file.write([Float](), shape: [0, 4], to: "gallery/features")
    }
    expectError(empty, .empty, object: "/gallery/features")
  }

  func testNaNFeaturesNameTheFileDatasetAndPosition() throws {
    let nan = try malformed { file in
      var features = Self.split(5).features
      features[4, 1] = .nan
      try file.remove("gallery/features")
      try file.write(features, to: "gallery/features")
    }
    XCTAssertThrowsError(try FeatureFile.read(from: nan)) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains(nan) && text.contains("/gallery/features"), text)
      XCTAssertTrue(text.contains("row 4, column 1"), text)
    }
  }

  func testFilesThatAreNotFeatureFiles() throws {
    expectError(
      path("absent.h5"),
      .hdf5(HDF5Error(file: path("absent.h5"), object: nil, kind: .fileNotFound)), object: nil)
    _ = FileManager.default.createFile(atPath: path("text.h5"), contents: Data("hello".utf8))
    XCTAssertThrowsError(try FeatureFile.read(from: path("text.h5"))) { error in
      XCTAssertTrue("\(error)".contains("not an HDF5 file"), "\(error)")
    }
  }
}
