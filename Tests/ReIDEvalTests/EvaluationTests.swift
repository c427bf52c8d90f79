import ReIDEval
import TensorCore
import XCTest

/// CMC and mAP on hand-made cases (refeval's self-test), and the error for no true match.
final class EvaluationTests: XCTestCase {
  func labels(_ pids: [Int64], _ camids: [Int64]) -> IdentityLabels {
    IdentityLabels(pids: pids, camids: camids)
  }

  /// The same-pid same-camera item is dropped; the true matches rank 2 and 4.
  func testHandExample() throws {
    let distances = Tensor(shape: [1, 5], scalars: [0.1, 0.2, 0.3, 0.4, 0.5])
    let result = try Evaluation.evaluate(
      distances: distances, query: labels([1], [0]),
      gallery: labels([1, 2, 1, 3, 1], [0, 0, 1, 0, 2]), maxRank: 4)
    XCTAssertEqual(result.cmc, [0, 1, 1, 1])
    XCTAssertEqual(result.mAP, 0.5, accuracy: 1e-12)
    XCTAssertEqual(result.evaluatedQueries, 1)
    XCTAssertEqual(result.skippedQueries, 0)
  }

  func testQueryWithoutTrueMatchIsSkippedAndCounted() throws {
    let distances = Tensor(
      shape: [2, 5], scalars: [0.1, 0.2, 0.3, 0.4, 0.5, 0.1, 0.2, 0.3, 0.4, 0.5])
    let result = try Evaluation.evaluate(
      distances: distances, query: labels([1, 3], [0, 0]),
      gallery: labels([1, 2, 1, 3, 1], [0, 0, 1, 0, 2]), maxRank: 4)
    XCTAssertEqual(result.cmc, [0, 1, 1, 1])
    XCTAssertEqual(result.mAP, 0.5, accuracy: 1e-12)
    XCTAssertEqual(result.evaluatedQueries, 1)
    XCTAssertEqual(result.skippedQueries, 1)
  }

  func testTiesRankByGalleryIndex() throws {
    let result = try Evaluation.evaluate(
      distances: Tensor(shape: [1, 5]), query: labels([1], [0]),
      gallery: labels([2, 3, 1, 4, 1], [1, 1, 1, 1, 1]), maxRank: 5)
    XCTAssertEqual(result.cmc, [0, 0, 1, 1, 1])
    XCTAssertEqual(result.mAP, (1.0 / 3 + 2.0 / 5) / 2, accuracy: 1e-12)
  }

  func testNoTrueMatchAnywhereIsAnError() {
    XCTAssertThrowsError(
      try Evaluation.evaluate(
        distances: Tensor(shape: [2, 3]), query: labels([1, 2], [0, 0]),
        gallery: labels([1, 2, 5], [0, 0, 1]))
    ) { error in
      XCTAssertTrue("\(error)".contains("no query has a true match"), "\(error)")
    }
  }

  /// Perfect ranking gives 1 everywhere; a gallery permutation and a monotone transform
  /// change nothing; one thread and two agree.
  func testInvariances() throws {
    var stream = RandomStream(seed: 3, name: "eval")
    let (nq, ng) = (40, 240)
    let queryPids = (0..<nq).map { _ in Int64(stream.nextInt(below: 20)) }
    let galleryPids = queryPids + (0..<ng - nq).map { _ in Int64(stream.nextInt(below: 20)) }
    let query = labels(queryPids, [Int64](repeating: 0, count: nq))
    let gallery = labels(galleryPids, [Int64](repeating: 1, count: ng))
    let perfect = Tensor(shape: [nq, ng]) { index in
      let (i, j) = (index / ng, index % ng)
      return Float(index % 97) / 100 + (queryPids[i] == galleryPids[j] ? 0 : 1)
    }
    let best = try Evaluation.evaluate(distances: perfect, query: query, gallery: gallery)
    XCTAssertTrue(best.cmc.allSatisfy { $0 == 1 })
    XCTAssertEqual(best.mAP, 1, accuracy: 1e-12)

    let random = Tensor(shape: [nq, ng]) { _ in stream.nextUniform() }
    let base = try Evaluation.evaluate(distances: random, query: query, gallery: gallery)
    let permutation = stream.permutation(ng)
    let permuted = Tensor(shape: [nq, ng]) { random[$0 / ng, permutation[$0 % ng]] }
    let shuffledGallery = labels(
      permutation.map { galleryPids[$0] }, [Int64](repeating: 1, count: ng))
    let transformed = Tensor(shape: [nq, ng]) { random[flat: $0].squareRoot() * 3 + 1 }
    for (distances, galleryLabels) in [(permuted, shuffledGallery), (transformed, gallery)] {
      let other = try Evaluation.evaluate(
        distances: distances, query: query, gallery: galleryLabels)
      XCTAssertEqual(other.cmc, base.cmc)
      XCTAssertEqual(other.mAP, base.mAP, accuracy: 1e-12)
    }
    let serial = try Evaluation.evaluate(
      distances: random, query: query, gallery: gallery, threads: 1)
    XCTAssertEqual(serial, base)
  }

  /// rank(k) past maxRank still counts from the whole gallery.
  func testRanksBeyondMaxRank() throws {
    let distances = Tensor(shape: [2, 12]) { Float($0 % 12) }
    let result = try Evaluation.evaluate(
      distances: distances, query: labels([1, 2], [0, 0]),
      gallery: labels([5, 5, 5, 5, 5, 5, 1, 5, 5, 5, 5, 2], [Int64](repeating: 1, count: 12)),
      maxRank: 3)
    XCTAssertEqual(result.cmc, [0, 0, 0])
    XCTAssertEqual(result.rank(7), 0.5)
    XCTAssertEqual(result.rank(12), 1)
    XCTAssertEqual(result.rank(50), 1)
  }
}
