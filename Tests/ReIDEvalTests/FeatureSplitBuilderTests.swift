import ReIDEval
import TensorCore
import XCTest

/// The writer API of feature extraction: batches, flip averaging, L2 normalization.
final class FeatureSplitBuilderTests: XCTestCase {
  func testBatchesAreConcatenatedWithLabelsAndPaths() {
    var builder = FeatureSplitBuilder(dimension: 2)
    builder.append(
      Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), pids: [7, 8], camids: [1, 2],
      paths: ["a.jpg", "b.jpg"])
    builder.append(
      Tensor(shape: [1, 2], scalars: [5, 6]), pids: [9], camids: [3], paths: ["c.jpg"])
    let split = builder.build()
    XCTAssertEqual(split.features, Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]))
    XCTAssertEqual(split.labels, IdentityLabels(pids: [7, 8, 9], camids: [1, 2, 3]))
    XCTAssertEqual(split.paths, ["a.jpg", "b.jpg", "c.jpg"])
  }

  func testPathsAreDroppedUnlessEveryBatchHasThem() {
    var builder = FeatureSplitBuilder(dimension: 1)
    builder.append(Tensor(shape: [1, 1], scalars: [1]), pids: [1], camids: [1], paths: ["a"])
    builder.append(Tensor(shape: [1, 1], scalars: [2]), pids: [2], camids: [1])
    XCTAssertNil(builder.build().paths)
  }

  func testFlipAveragingThenNormalization() {
    var builder = FeatureSplitBuilder(
      dimension: 2, options: FeatureOptions(flipAverage: true, l2Normalize: true))
    builder.append(
      Tensor(shape: [2, 2], scalars: [2, 0, 0, 0]),
      flipped: Tensor(shape: [2, 2], scalars: [4, 8, 0, 0]), pids: [1, 2], camids: [1, 1])
    let features = builder.build().features
    // (3, 4) / 5; a zero vector stays zero (the norm is clamped at 1e-12).
    XCTAssertEqual(features.scalars, [0.6, 0.8, 0, 0])
  }

  func testAveragingAloneAndNormalizationAlone() {
    var average = FeatureSplitBuilder(dimension: 3, options: FeatureOptions(flipAverage: true))
    average.append(
      Tensor(shape: [1, 3], scalars: [1, 2, 3]),
      flipped: Tensor(shape: [1, 3], scalars: [3, 2, 1]),
      pids: [1], camids: [1])
    XCTAssertEqual(average.build().features.scalars, [2, 2, 2])
    var unit = FeatureSplitBuilder(dimension: 2, options: FeatureOptions(l2Normalize: true))
    unit.append(Tensor(shape: [1, 2], scalars: [0, -3]), pids: [1], camids: [1])
    XCTAssertEqual(unit.build().features.scalars, [0, -1])
  }
}
