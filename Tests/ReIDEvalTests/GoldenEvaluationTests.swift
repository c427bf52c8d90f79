import ReIDEval
import TensorCore
import XCTest
import _TestSupport

/// CMC and mAP against the reference evaluator's golden files: CMC identical, mAP within
/// 1e-6 (in practice equal to the bit), from the reference's distances and from features.
final class GoldenEvaluationTests: XCTestCase {
  /// Our distances from the fixture's features: exact for integer features, within float32
  /// rounding for the Gaussian ones.
  func testDistancesFromFeaturesMatchTheReference() throws {
    for name in Golden.names {
      let golden = try Golden(name)
      guard let expected = golden.distances else { continue }
      let ours = EuclideanDistance.matrix(
        query: golden.features.query.features, gallery: golden.features.gallery.features)
      if name == "gaussian" {
        let (ratio, index) = Fixtures.closeness(
          ours, expected, relativeTolerance: 1e-5, absoluteTolerance: 1e-5)
        XCTAssertLessThanOrEqual(ratio, 1, "\(name): worst at flat index \(index)")
      } else {
        XCTAssertEqual(ours.scalars, expected.scalars, "\(name): integer features are exact")
      }
    }
  }

  func testEvaluationOfTheReferenceDistances() throws {
    for name in Golden.names {
      let golden = try Golden(name)
      guard let distances = golden.distances else { continue }
      let result = try Evaluation.evaluate(
        distances: distances, query: golden.features.query.labels,
        gallery: golden.features.gallery.labels, maxRank: golden.maxRank)
      check(result, golden, name)
    }
  }

  func testEvaluationFromFeatures() throws {
    for name in Golden.names {
      let golden = try Golden(name)
      let distances = EuclideanDistance.matrix(
        query: golden.features.query.features, gallery: golden.features.gallery.features)
      let result = try Evaluation.evaluate(
        distances: distances, query: golden.features.query.labels,
        gallery: golden.features.gallery.labels, maxRank: golden.maxRank, threads: 2)
      check(result, golden, name)
    }
  }

  func testGallerySmallerThanMaxRankShortensTheCurve() throws {
    let golden = try Golden("hand")
    XCTAssertEqual(golden.features.gallery.count, 5)
    let result = try Evaluation.evaluate(
      distances: try XCTUnwrap(golden.distances), query: golden.features.query.labels,
      gallery: golden.features.gallery.labels, maxRank: 50)
    XCTAssertEqual(result.cmc, [0, 1, 1, 1, 1])
    XCTAssertEqual(result.mAP, 0.5)
    XCTAssertEqual(result.rank(10), 1)
  }

  private func check(_ result: EvaluationResult, _ golden: Golden, _ name: String) {
    XCTAssertEqual(result.cmc, golden.cmc, "\(name): CMC")
    XCTAssertEqual(result.mAP, golden.mAP, accuracy: 1e-6, "\(name): mAP")
    XCTAssertEqual(result.mAP, golden.mAP, "\(name): mAP bits (numpy's summation order)")
    XCTAssertEqual(result.evaluatedQueries, golden.evaluated, name)
    XCTAssertEqual(result.skippedQueries, golden.skipped, name)
  }
}
