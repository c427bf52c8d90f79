import ReIDEval
import TensorCore
import XCTest

/// Re-ranking from features against re-ranking from dense matrices, the exact recomputation
/// path, and refeval's self-test properties.
final class ReRankingTests: XCTestCase {
  /// Integer features: every sgemm distance is exact, so both paths see the same numbers.
  static func integerFeatures(_ rows: Int, _ dimension: Int, levels: Int, seed: UInt64)
    -> Tensor
  {
    var stream = RandomStream(seed: seed, name: "rerank")
    return Tensor(shape: [rows, dimension]) { _ in Float(stream.nextInt(below: levels)) }
  }

  func dense(_ query: Tensor, _ gallery: Tensor, _ options: ReRankingOptions) throws -> Tensor {
    try ReRanking.rerank(
      queryGallery: EuclideanDistance.matrix(query: query, gallery: gallery),
      queryQuery: EuclideanDistance.matrix(query: query, gallery: query),
      galleryGallery: EuclideanDistance.matrix(query: gallery, gallery: gallery),
      options: options)
  }

  /// The blocked, symmetric, bounded-memory path gives the dense path's bits, whatever the
  /// tiling, on shapes with many ties.
  func testFeaturePathEqualsDensePath() throws {
    let cases: [(Int, Int, Int, Int, ReRankingOptions)] = [
      (5, 30, 4, 3, ReRankingOptions()),
      (17, 90, 6, 4, ReRankingOptions()),
      (33, 70, 3, 5, ReRankingOptions(k1: 9, k2: 2, lambda: 0.1)),
      (2, 9, 2, 3, ReRankingOptions(k1: 3, k2: 1, lambda: 0.8)),
    ]
    for (seed, (nq, ng, dimension, levels, options)) in cases.enumerated() {
      let query = Self.integerFeatures(nq, dimension, levels: levels, seed: UInt64(seed))
      let gallery = Self.integerFeatures(ng, dimension, levels: levels, seed: UInt64(seed + 50))
      let expected = try dense(query, gallery, options)
      for blockSize in [1, 5, 16, 1024] {
        for threads in [1, 2] {
          let ours = try ReRanking.rerank(
            query: query, gallery: gallery, options: options, threads: threads,
            blockSize: blockSize)
          XCTAssertEqual(
            ours.scalars, expected.scalars, "case \(seed), block \(blockSize), threads \(threads)")
        }
      }
    }
  }

  /// With few distinct distances, row scaling leaves ties at the end of the candidate lists;
  /// those rows are recomputed in full, and the result is still exact.
  func testAmbiguousRowsAreRecomputedExactly() throws {
    let query = Self.integerFeatures(20, 2, levels: 3, seed: 9)
    let gallery = Self.integerFeatures(100, 2, levels: 3, seed: 10)
    let (ours, report) = try ReRanking.rerankWithReport(
      query: query, gallery: gallery, blockSize: 32)
    XCTAssertGreaterThan(report.recomputedRows, 0)
    XCTAssertEqual(ours.scalars, try dense(query, gallery, ReRankingOptions()).scalars)
  }

  /// lambda = 1 leaves the squared distances scaled by each row's maximum over all items.
  func testLambdaOneGivesScaledSquaredDistances() throws {
    var stream = RandomStream(seed: 4, name: "rerank")
    let features = Tensor(shape: [60, 16]) { _ in stream.nextNormal() }
    let (nq, ng) = (15, 45)
    let query = Tensor(shape: [nq, 16]) { features[flat: $0] }
    let gallery = Tensor(shape: [ng, 16]) { features[flat: nq * 16 + $0] }
    let all = EuclideanDistance.matrix(query: features, gallery: features)
    let ours = try ReRanking.rerank(
      query: query, gallery: gallery, options: ReRankingOptions(lambda: 1))
    for i in 0..<nq {
      var maximum: Float = 0
      for j in 0..<nq + ng { maximum = max(maximum, all[i, j] * all[i, j]) }
      for g in 0..<ng {
        XCTAssertEqual(ours[i, g], all[i, nq + g] * all[i, nq + g] / maximum, accuracy: 1e-6)
      }
    }
    let jaccard = try ReRanking.rerank(
      query: query, gallery: gallery, options: ReRankingOptions(lambda: 0))
    XCTAssertTrue(jaccard.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
  }

  /// Permuting the gallery permutes the re-ranked columns (continuous features: no ties,
  /// which break by index and so do not commute with a permutation).
  func testGalleryPermutationEquivariance() throws {
    var stream = RandomStream(seed: 23, name: "perm")
    let query = Tensor(shape: [12, 16]) { _ in stream.nextNormal() }
    let gallery = Tensor(shape: [50, 16]) { _ in stream.nextNormal() }
    let permutation = stream.permutation(50)
    let permuted = Tensor(shape: [50, 16]) { gallery[permutation[$0 / 16], $0 % 16] }
    let base = try ReRanking.rerank(query: query, gallery: gallery)
    let other = try ReRanking.rerank(query: query, gallery: permuted)
    var worst: Float = 0
    for i in 0..<12 {
      for g in 0..<50 { worst = max(worst, abs(other[i, g] - base[i, permutation[g]])) }
    }
    XCTAssertLessThanOrEqual(worst, 1e-6)
  }

  func testInvalidOptionsAndDegenerateInputsThrow() {
    let query = Self.integerFeatures(3, 2, levels: 4, seed: 1)
    let gallery = Self.integerFeatures(6, 2, levels: 4, seed: 2)
    for options in [
      ReRankingOptions(k1: 0), ReRankingOptions(k2: 0), ReRankingOptions(lambda: 1.5),
      ReRankingOptions(lambda: -0.1),
    ] {
      XCTAssertThrowsError(try ReRanking.rerank(query: query, gallery: gallery, options: options))
    }
    let same = Tensor(shape: [4, 3], repeating: 2)
    XCTAssertThrowsError(try ReRanking.rerank(query: same, gallery: same)) { error in
      XCTAssertTrue("\(error)".contains("degenerate"), "\(error)")
    }
    var qg = Tensor(shape: [1, 2], scalars: [1, 2])
    qg[0, 1] = .nan
    XCTAssertThrowsError(
      try ReRanking.rerank(
        queryGallery: qg, queryQuery: Tensor(shape: [1, 1]),
        galleryGallery: Tensor(shape: [2, 2], scalars: [0, 1, 1, 0])))
  }
}
