import Foundation
import ImageIO
import ReIDData
import XCTest

/// The standard protocol on fixture trees, and errors that name the file.
final class LoaderTests: XCTestCase {
  func testMarketProtocol() throws {
    let tree = try FixtureTree()
    try tree.market()
    let data = try ReIDDataset.load(.market1501, dataRoot: tree.root, allowNonstandard: true)
    // Sorted names, Thumbs.db ignored.
    XCTAssertEqual(
      data.train.map { ($0.path as NSString).lastPathComponent }, FixtureTree.marketTrain.sorted())
    // Training pids 2, 5, 7 relabelled 0, 1, 2 in sorted order; cameras 0-based.
    XCTAssertEqual(data.train.map(\.pid), [2, 2, 5, 7, 7, 7])
    XCTAssertEqual(data.train.map(\.label), [0, 0, 1, 2, 2, 2])
    XCTAssertEqual(data.train.map(\.camera), [0, 1, 3, 0, 2, 5])
    XCTAssertEqual(data.trainIdentityCount, 3)
    // Junk dropped, the distractor kept in the gallery.
    XCTAssertEqual(data.gallery.count, 4)
    XCTAssertFalse(data.gallery.contains { $0.pid == -1 })
    XCTAssertEqual(data.gallery.filter { $0.pid == 0 }.count, 1)
    XCTAssertEqual(data.query.map(\.pid), [1, 3])
    XCTAssertFalse(data.isStandard)
    let summary = DatasetSummary(data)
    XCTAssertEqual(
      summary.json,
      "{\"train\": {\"images\": 6, \"ids\": 3, \"cameras\": 5}, \"query\": {\"images\": 2, "
        + "\"ids\": 2, \"cameras\": 2}, \"gallery\": {\"images\": 4, \"ids\": 3, \"cameras\": 4}}")
  }

  func testCountMismatchIsAnErrorUnlessNonstandard() throws {
    let tree = try FixtureTree()
    try tree.market()
    XCTAssertThrowsError(try ReIDDataset.load(.market1501, dataRoot: tree.root)) { error in
      XCTAssertEqual(
        error as? DatasetError,
        .countMismatch(
          path: tree.root + "/market1501/Market-1501-v15.09.15/bounding_box_train",
          dataset: "Market-1501", split: "train", found: 6, expected: 12_936))
      XCTAssertTrue("\(error)".contains("--allow-nonstandard"), "\(error)")
      XCTAssertTrue("\(error)".hasPrefix(tree.root + "/market1501/"), "\(error)")
    }
    // A synthetic marker declares the dataset non-standard.
    try tree.write(Array("{}".utf8), "market1501/synthetic.json")
    XCTAssertNoThrow(try ReIDDataset.load(.market1501, dataRoot: tree.root))
  }

  func testBadFileNameAndMissingFolderNameThePath() throws {
    let tree = try FixtureTree()
    try tree.market()
    let bad = "market1501/Market-1501-v15.09.15/query/0001_c9s1_000001_00.jpg"
    try tree.write(FixtureTree.jpeg(0), bad)
    XCTAssertThrowsError(
      try ReIDDataset.load(.market1501, dataRoot: tree.root, allowNonstandard: true)
    ) {
      XCTAssertEqual(
        $0 as? DatasetError,
        .badFileName(path: tree.root + "/" + bad, expected: ReIDDatasetKind.market1501.namePattern))
    }
    XCTAssertThrowsError(
      try ReIDDataset.load(.dukemtmc, dataRoot: tree.root, allowNonstandard: true)
    ) {
      XCTAssertEqual(
        $0 as? DatasetError,
        .missingFolder(
          path: tree.root + "/dukemtmc-reid/DukeMTMC-reID/bounding_box_train",
          dataset: "DukeMTMC-reID"))
    }
  }

  func testFileNameParsing() {
    XCTAssertEqual(
      ReIDFileName("0002_c1s1_000451_03.jpg", kind: .market1501), ReIDFileName(pid: 2, camera: 0))
    XCTAssertEqual(ReIDFileName("-1_c6s2_000451_03.jpg", kind: .market1501)?.pid, -1)
    XCTAssertEqual(
      ReIDFileName("0001_c8_f0046182.jpg", kind: .dukemtmc), ReIDFileName(pid: 1, camera: 7))
    for bad in [
      "0002_c1s1_000451.jpg", "002_c1s1_000451_03.jpg", "0002_c0s1_000451_03.jpg",
      "0002_c7s1_000451_03.jpg", "0002_c1s1_000451_03.png", "abcd_c1s1_000451_03.jpg",
    ] {
      XCTAssertNil(ReIDFileName(bad, kind: .market1501), bad)
    }
    for bad in [
      "0001_c9_f0046182.jpg", "-1_c2_f0046182.jpg", "0001_c2_0046182.jpg", "0001_c2s1_f0046182.jpg",
    ] {
      XCTAssertNil(ReIDFileName(bad, kind: .dukemtmc), bad)
    }
  }

  func testMixedTrainingSetHasDisjointLabels() throws {
    let tree = try FixtureTree()
    try tree.market()
    try tree.duke()
    let market = try ReIDDataset.load(.market1501, dataRoot: tree.root, allowNonstandard: true)
    let duke = try ReIDDataset.load(.dukemtmc, dataRoot: tree.root, allowNonstandard: true)
    XCTAssertEqual(duke.train.map(\.label), [0, 0, 1])
    let mixed = TrainingSet(mixing: [market, duke])
    XCTAssertEqual(mixed.identityCount, 5)
    XCTAssertEqual(mixed.labels, [0, 0, 1, 2, 2, 2, 3, 3, 4])
    XCTAssertEqual(mixed.sources.map(\.labelOffset), [0, 3])
  }

  func testLIPKeepsListOrderAndNamesMissingFiles() throws {
    let tree = try FixtureTree()
    try tree.lip()
    let lip = try LIPDataset.load(dataRoot: tree.root, allowNonstandard: true)
    XCTAssertEqual(lip.train.map(\.id), ["77_471474", "12_100001", "5_300000"])
    XCTAssertEqual(
      DatasetSummary(lip).json, "{\"train\": {\"images\": 3}, \"val\": {\"images\": 1}}")
    XCTAssertEqual(
      DatasetSummary(lip).json(fingerprint: "0123"),
      "{\"train\": {\"images\": 3}, \"val\": {\"images\": 1}, \"fingerprint\": \"0123\"}")
    XCTAssertThrowsError(try LIPDataset.load(dataRoot: tree.root)) {
      XCTAssertEqual(
        $0 as? DatasetError,
        .countMismatch(
          path: tree.root + "/lip", dataset: "LIP", split: "train", found: 3, expected: 30_462))
    }
    // The official zip keeps the lists in TrainVal_images/.
    try FileManager.default.moveItem(
      atPath: tree.root + "/lip/val_id.txt", toPath: tree.root + "/lip/TrainVal_images/val_id.txt")
    XCTAssertEqual(try LIPDataset.load(dataRoot: tree.root, allowNonstandard: true).val.count, 1)
    // A list that is not UTF-8, and a list in neither place, are named as such.
    let valList = tree.root + "/lip/TrainVal_images/val_id.txt"
    let listed = try FileBytes.read(valList)
    try FileBytes.write([0xFF, 0xFE, 0x31], to: valList)
    XCTAssertThrowsError(try LIPDataset.load(dataRoot: tree.root, allowNonstandard: true)) {
      XCTAssertTrue("\($0)".contains("val_id.txt:1: the id list is not UTF-8 text"), "\($0)")
    }
    try FileManager.default.removeItem(atPath: valList)
    XCTAssertThrowsError(try LIPDataset.load(dataRoot: tree.root, allowNonstandard: true)) {
      XCTAssertTrue("\($0)".contains("nor is it at \(tree.root)/lip/TrainVal_images/"), "\($0)")
    }
    try FileBytes.write(listed, to: valList)
    let missing = tree.root + "/lip/TrainVal_parsing_annotations/train_segmentations/12_100001.png"
    try FileManager.default.removeItem(atPath: missing)
    XCTAssertThrowsError(try LIPDataset.load(dataRoot: tree.root, allowNonstandard: true)) {
      XCTAssertEqual(
        $0 as? DatasetError,
        .missingFile(path: missing, reason: "listed in \(tree.root)/lip/train_id.txt:2"))
    }
  }

  func testCorruptImagesFailTheBatchWithTheirName() throws {
    let tree = try FixtureTree()
    try tree.market()
    let bytes = try FixtureTree.jpeg(3)
    let truncated = "market1501/Market-1501-v15.09.15/bounding_box_train/0009_c1s1_000001_01.jpg"
    try tree.write(Array(bytes[0..<(bytes.count / 2)]), truncated)
    let data = try ReIDDataset.load(.market1501, dataRoot: tree.root, allowNonstandard: true)
    let builder = BatchBuilder(
      items: data.train.map(DataItem.init), augmentation: .evaluation(height: 16, width: 8),
      seed: 1,
      mirrorLabels: false)
    let index = try XCTUnwrap(data.train.firstIndex { $0.pid == 9 })
    let sampler = try BatchSampler(
      labels: data.train.map(\.label), strategy: .shuffled(batchSize: 1), seed: 1)
    XCTAssertThrowsError(
      try builder.build(
        indices: [index], step: 0, samplerState: sampler.state, decoder: JPEGDecoder())
    ) { error in
      guard case .corrupt(let file, _) = error as? ImageIOError else { return XCTFail("\(error)") }
      XCTAssertEqual(file, tree.root + "/" + truncated)
    }
    // A corrupt label map too.
    try tree.lip()
    let map = tree.root + "/lip/TrainVal_parsing_annotations/train_segmentations/77_471474.png"
    try FileBytes.write(Array(try FileBytes.read(map).prefix(40)), to: map)
    let lip = try LIPDataset.load(dataRoot: tree.root, allowNonstandard: true)
    let lipBuilder = BatchBuilder(
      items: lip.train.map(DataItem.init), augmentation: .evaluation(height: 10, width: 6), seed: 1,
      mirrorLabels: true)
    XCTAssertThrowsError(
      try lipBuilder.build(
        indices: [0], step: 0, samplerState: sampler.state, decoder: JPEGDecoder())
    ) { XCTAssertEqual(($0 as? ImageIOError)?.file, map) }
  }

  func testSHA256AndFingerprint() throws {
    XCTAssertEqual(
      SHA256.hex(Array("abc".utf8)),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(
      SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(
      SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    XCTAssertEqual(
      SHA256.hex([UInt8](repeating: 0x61, count: 1_000)),
      "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    let tree = try FixtureTree()
    try tree.market()
    let before = try DatasetFingerprint.short(of: tree.root)
    XCTAssertEqual(before.count, 16)
    XCTAssertEqual(try DatasetFingerprint.short(of: tree.root), before)
    let withContents = try DatasetFingerprint.short(of: tree.root, contents: true)
    XCTAssertNotEqual(withContents, before)
    try tree.write([1], "market1501/extra.txt")
    XCTAssertNotEqual(try DatasetFingerprint.short(of: tree.root), before)
  }

  /// A dataset linked in from elsewhere fingerprints as if it were copied (it hashed as empty
  /// before); hidden entries, such as an interrupted generator's staging folder, do not count;
  /// a link cycle is walked once.
  func testFingerprintFollowsLinksAndSkipsHiddenEntries() throws {
    let manager = FileManager.default
    let real = try FixtureTree()
    try real.market()
    let copied = try DatasetFingerprint.digest(of: real.root, contents: true)
    let linked = try FixtureTree()
    try manager.createSymbolicLink(
      atPath: linked.root + "/market1501", withDestinationPath: real.root + "/market1501")
    XCTAssertEqual(try DatasetFingerprint.digest(of: linked.root, contents: true), copied)
    try real.write([1, 2], ".synth-staging-123/market1501/x.jpg")
    try real.write([1], "market1501/.DS_Store")
    XCTAssertEqual(try DatasetFingerprint.digest(of: real.root, contents: true), copied)
    try manager.createSymbolicLink(
      atPath: real.root + "/market1501/loop", withDestinationPath: real.root + "/market1501")
    XCTAssertEqual(try DatasetFingerprint.digest(of: real.root, contents: true), copied)
  }
}
