import Foundation
import ImageIO
import ReIDData
import TensorCore
import XCTest

/// Augmentation geometry of label maps, and prefetching that gives the same bits.
final class PipelineTests: XCTestCase {
  /// A geometry-only pipeline: no resize change, no normalization, no erasing.
  func geometryOnly(flip: Float, padding: Int, width: Int = 6, height: Int = 4)
    -> AugmentationConfig
  {
    var config = AugmentationConfig.evaluation(height: height, width: width)
    config.flipProbability = flip
    config.padding = padding
    config.normalize = false
    return config
  }

  func testFlipMirrorsTheImageAndSwapsLIPLeftRightLabels() {
    var image = RGBImage(width: 6, height: 4)
    var labels = LabelMap(width: 6, height: 4)
    for y in 0..<4 {
      for x in 0..<6 {
        image[x, y] = (UInt8(10 * x), UInt8(10 * y), 7)
        labels[x, y] = [14, 16, 18, 5, 0, 15][x]
      }
    }
    let augmenter = Augmenter(geometryOnly(flip: 1, padding: 0))
    var random = RandomStream(seed: 1, name: "test")
    var output = [Float](repeating: 0, count: 6 * 4 * 3)
    var mapped = [UInt8](repeating: 0, count: 6 * 4)
    output.withUnsafeMutableBufferPointer { o in
      mapped.withUnsafeMutableBufferPointer { m in
        augmenter.apply(
          image, labels: labels, mirrorLabels: true, random: &random, output: o.baseAddress!,
          labelOutput: m.baseAddress)
      }
    }
    for y in 0..<4 {
      XCTAssertEqual(Array(mapped[(y * 6)..<(y * 6 + 6)]), [14, 0, 5, 19, 17, 15])
      for x in 0..<6 {
        XCTAssertEqual(output[(y * 6 + x) * 3], Float(10 * (5 - x)))
        XCTAssertEqual(output[(y * 6 + x) * 3 + 1], Float(10 * y))
      }
    }
  }

  func testPadAndCropMoveLabelsWithThePixels() {
    // Every pixel's color encodes its label, so after any crop and flip they must agree;
    // padding is black and background.
    let width = 10
    let height = 12
    var image = RGBImage(width: width, height: height)
    var labels = LabelMap(width: width, height: height)
    for y in 0..<height {
      for x in 0..<width {
        let label = UInt8(1 + (x + 3 * y) % 13)
        labels[x, y] = label
        image[x, y] = (label * 10, 0, 0)
      }
    }
    let augmenter = Augmenter(geometryOnly(flip: 0.5, padding: 3, width: width, height: height))
    var random = RandomStream(seed: 3, name: "crop")
    var sawPadding = false
    for _ in 0..<20 {
      var output = [Float](repeating: 0, count: width * height * 3)
      var mapped = [UInt8](repeating: 0, count: width * height)
      output.withUnsafeMutableBufferPointer { o in
        mapped.withUnsafeMutableBufferPointer { m in
          augmenter.apply(
            image, labels: labels, mirrorLabels: false, random: &random, output: o.baseAddress!,
            labelOutput: m.baseAddress)
        }
      }
      for i in 0..<(width * height) {
        XCTAssertEqual(output[3 * i], Float(mapped[i]) * 10)
        if mapped[i] == 0 { sawPadding = true }
      }
    }
    XCTAssertTrue(sawPadding)
  }

  func testPrefetchedBatchesEqualSynchronousOnes() throws {
    let tree = try FixtureTree()
    try tree.lip(train: (0..<9).map { "\($0)_\(1000 + $0)" })
    let lip = try LIPDataset.load(dataRoot: tree.root, allowNonstandard: true)
    let items = lip.train.map(DataItem.init)
    let builder = BatchBuilder(
      items: items, augmentation: .training(height: 20, width: 12), seed: 4, mirrorLabels: true)
    let sampler = try BatchSampler(
      labels: [Int](repeating: -1, count: items.count), strategy: .shuffled(batchSize: 4), seed: 2)

    var synchronous = try BatchSource(sampler: sampler, builder: builder)
    let reference = try (0..<7).map { _ in try synchronous.next() }
    for depth in [1, 3] {
      let prefetcher = PrefetchingBatchSource(sampler: sampler, builder: builder, depth: depth)
      for (k, expected) in reference.enumerated() {
        if k % 2 == 0 { usleep(2_000) }  // let the producer run ahead, or not
        let batch = try prefetcher.next()
        XCTAssertEqual(batch.step, expected.step)
        XCTAssertEqual(batch.indices, expected.indices)
        XCTAssertEqual(batch.images.scalars, expected.images.scalars)
        XCTAssertEqual(batch.labelMaps, expected.labelMaps)
        XCTAssertEqual(batch.samplerState, expected.samplerState)
      }
      prefetcher.stop()
    }
    // Resuming from a batch's saved sampler state reproduces the following batches.
    var resumedSampler = sampler
    try resumedSampler.restore(XCTUnwrap(reference[3].samplerState))
    var resumed = try BatchSource(sampler: resumedSampler, builder: builder)
    XCTAssertEqual(try resumed.next().images.scalars, reference[4].images.scalars)
    XCTAssertEqual(reference[0].images.shape, [4, 20, 12, 3])
    XCTAssertEqual(reference[0].labelMaps?.count, 4 * 20 * 12)
  }

  func testPrefetchRethrowsTheProducersError() throws {
    let items = [DataItem(imagePath: "/nonexistent/a.jpg", label: 0)]
    let builder = BatchBuilder(
      items: items, augmentation: .training(height: 8, width: 4), seed: 1, mirrorLabels: false)
    let sampler = try BatchSampler(labels: [0], strategy: .shuffled(batchSize: 1), seed: 1)
    let prefetcher = PrefetchingBatchSource(sampler: sampler, builder: builder)
    XCTAssertThrowsError(try prefetcher.next()) {
      XCTAssertEqual(($0 as? ImageIOError)?.file, "/nonexistent/a.jpg")
    }
  }
}

/// A label map of another size than its image is an error naming the map.
final class LabelMapSizeTests: XCTestCase {
  func testMismatchedLabelMapIsAnError() throws {
    let tree = try FixtureTree()
    try tree.lip()
    let map = tree.root + "/lip/TrainVal_parsing_annotations/train_segmentations/5_300000.png"
    try PNG.write(LabelMap(width: 3, height: 3), to: map)
    let lip = try LIPDataset.load(dataRoot: tree.root, allowNonstandard: true)
    let builder = BatchBuilder(
      items: lip.train.map(DataItem.init), augmentation: .evaluation(height: 10, width: 6),
      seed: 1, mirrorLabels: true)
    XCTAssertNoThrow(try builder.build(indices: [0, 1], step: 0, decoder: JPEGDecoder()))
    XCTAssertThrowsError(try builder.build(indices: [2], step: 0, decoder: JPEGDecoder())) {
      XCTAssertEqual(
        $0 as? DatasetError, .labelMapSizeMismatch(path: map, labelMap: "3x3", image: "6x10"))
    }
  }

  /// A value that is neither a LIP class nor the ignored 255 is an error naming the map (it
  /// used to reach the loss and trap); 255 itself is accepted.
  func testOutOfRangeLabelIsAnError() throws {
    let tree = try FixtureTree()
    try tree.lip()
    let lip = try LIPDataset.load(dataRoot: tree.root, allowNonstandard: true)
    let items = lip.train.map(DataItem.init)
    let builder = BatchBuilder(
      items: items, augmentation: .evaluation(height: 10, width: 6), seed: 1, mirrorLabels: true)
    guard let path = items[2].labelMapPath else { return XCTFail("no label map") }
    var map = try PNG.readLabelMap(path)
    map.labels[0] = 255
    try PNG.write(map, to: path)
    XCTAssertNoThrow(try builder.build(indices: [2], step: 0, decoder: JPEGDecoder()))
    map.labels[1] = 20
    try PNG.write(map, to: path)
    XCTAssertThrowsError(try builder.build(indices: [2], step: 0, decoder: JPEGDecoder())) {
      XCTAssertEqual($0 as? DatasetError, .labelOutOfRange(path: path, value: 20, classes: 20))
      XCTAssertTrue("\($0)".contains("expected 0-19"), "\($0)")
    }
  }
}
