import ReIDEval
import TensorCore
import XCTest
import _TestSupport

/// k-reciprocal re-ranking against the reference's golden files.
///
/// The requirement is re-ranked distances within 1e-5 and the reference's CMC and mAP on
/// them; in fact every distance is bit-identical wherever our input distances are the
/// reference's (its own matrices, or features with integer values), which these tests hold
/// to. Only Gaussian features, whose distances we compute in float32 and the reference in
/// float64, are compared with the tolerance.
final class GoldenReRankingTests: XCTestCase {
  /// From the reference's own three distance matrices: the algorithm alone.
  func testReRankingTheReferenceDistancesIsBitIdentical() throws {
    for name in Golden.names {
      let golden = try Golden(name)
      guard let qg = golden.distances, let qq = golden.queryQuery,
        let gg = golden.galleryGallery
      else { continue }
      for expected in golden.reranked {
        for threads in [1, 2] {
          let ours = try ReRanking.rerank(
            queryGallery: qg, queryQuery: qq, galleryGallery: gg, options: expected.options,
            threads: threads)
          try check(
            ours, expected, golden, exact: true,
            "\(name) \(expected.name) (threads \(threads))")
        }
      }
    }
  }

  /// From features, through sgemm tiles: blocks of 7 and 64 cut the items into many uneven
  /// tiles; 1024 is the default (one tile per split here).
  func testReRankingFromFeatures() throws {
    for name in Golden.names {
      let golden = try Golden(name)
      for expected in golden.reranked {
        for blockSize in [7, 64, 1024] {
          let ours = try ReRanking.rerank(
            query: golden.features.query.features, gallery: golden.features.gallery.features,
            options: expected.options, blockSize: blockSize)
          try check(
            ours, expected, golden, exact: name != "gaussian",
            "\(name) \(expected.name) (block \(blockSize))")
        }
      }
    }
  }

  private func check(
    _ ours: Tensor, _ expected: Golden.ReRanked, _ golden: Golden, exact: Bool,
    _ label: String
  ) throws {
    let ng = golden.features.gallery.count
    let tolerance: Float = exact ? 0 : 1e-5
    if let rows = expected.rows, let sums = expected.rowSums {
      var worst: Float = 0
      for (k, row) in rows.enumerated() {
        for g in 0..<ng { worst = max(worst, abs(ours[row, g] - expected.distances[k, g])) }
      }
      XCTAssertLessThanOrEqual(worst, tolerance, "\(label): stored rows")
      for (row, sum) in sums.enumerated() {
        var ourSum: Double = 0
        for g in 0..<ng { ourSum += Double(ours[row, g]) }
        XCTAssertEqual(
          ourSum, sum, accuracy: exact ? 1e-9 * sum : 1e-5 * Double(ng),
          "\(label): row \(row) sum")
      }
    } else {
      let (ratio, index) = Fixtures.closeness(
        ours, expected.distances, relativeTolerance: 0, absoluteTolerance: max(tolerance, 1e-30))
      XCTAssertLessThanOrEqual(
        ratio, 1,
        "\(label): worst at \(index): \(ours[flat: index]) vs \(expected.distances[flat: index])")
    }
    let result = try Evaluation.evaluate(
      distances: ours, query: golden.features.query.labels,
      gallery: golden.features.gallery.labels, maxRank: golden.maxRank)
    XCTAssertEqual(result.cmc, expected.cmc, "\(label): CMC")
    XCTAssertEqual(result.mAP, expected.mAP, accuracy: 1e-6, "\(label): mAP")
    if exact { XCTAssertEqual(result.mAP, expected.mAP, "\(label): mAP bits") }
  }
}
