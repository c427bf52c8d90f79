import Foundation
import ReIDData
import XCTest

/// The P x K sampler: batch shape, epoch coverage, exact resume from a saved state.
final class SamplerTests: XCTestCase {
  /// 10 identities with 1...6 images each (identity 3 has fewer than K).
  let labels: [Int] = (0..<10).flatMap { id in [Int](repeating: id, count: id == 3 ? 1 : 2 + id % 5)
  }

  func testBatchesArePIdentitiesTimesK() throws {
    var sampler = try BatchSampler(labels: labels, strategy: .identityBalanced(p: 3, k: 2), seed: 5)
    for _ in 0..<20 {
      let batch = sampler.next()
      XCTAssertEqual(batch.count, 6)
      let ids = batch.map { labels[$0] }
      for i in 0..<3 {
        XCTAssertEqual(ids[2 * i], ids[2 * i + 1], "\(ids)")
      }
      XCTAssertEqual(Set(ids).count, 3, "\(ids)")
    }
    XCTAssertEqual(sampler.state.step, 20)
  }

  func testAnEpochSeesEveryIdentityAndNoImageTwiceExceptPadding() throws {
    var sampler = try BatchSampler(labels: labels, strategy: .identityBalanced(p: 2, k: 2), seed: 9)
    let count = sampler.batchesInEpoch
    var seen = [Int]()
    for _ in 0..<count { seen += sampler.next() }
    XCTAssertEqual(sampler.state.epoch, 0)
    _ = sampler.next()
    XCTAssertEqual(sampler.state.epoch, 1)
    XCTAssertEqual(sampler.state.batchInEpoch, 1)
    // Apart from identity 3 (one image, drawn twice), no image repeats within an epoch.
    let others = seen.filter { labels[$0] != 3 }
    XCTAssertEqual(Set(others).count, others.count)
    XCTAssertGreaterThanOrEqual(Set(seen.map { labels[$0] }).count, 9)
  }

  func testRestoringASavedStateContinuesWithTheSameBatches() throws {
    for strategy in [BatchSampler.Strategy.identityBalanced(p: 3, k: 2), .shuffled(batchSize: 4)] {
      var uninterrupted = try BatchSampler(labels: labels, strategy: strategy, seed: 11)
      var reference = [[Int]]()
      for _ in 0..<40 { reference.append(uninterrupted.next()) }

      var first = try BatchSampler(labels: labels, strategy: strategy, seed: 11)
      for _ in 0..<13 { _ = first.next() }  // mid-epoch
      let saved = try JSONEncoder().encode(first.state)
      var resumed = try BatchSampler(labels: labels, strategy: strategy, seed: 11)
      try resumed.restore(JSONDecoder().decode(BatchSampler.State.self, from: saved))
      var continued = [[Int]]()
      for _ in 13..<40 { continued.append(resumed.next()) }
      XCTAssertEqual(continued, Array(reference[13...]), "\(strategy)")
    }
  }

  func testRestoreRefusesAnotherDatasetOrSeed() throws {
    let sampler = try BatchSampler(labels: labels, strategy: .shuffled(batchSize: 4), seed: 1)
    var other = try BatchSampler(labels: labels + [3], strategy: .shuffled(batchSize: 4), seed: 1)
    XCTAssertThrowsError(try other.restore(sampler.state))
    var reseeded = try BatchSampler(labels: labels, strategy: .shuffled(batchSize: 4), seed: 2)
    XCTAssertThrowsError(try reseeded.restore(sampler.state))
  }

  /// A batch shape the labels cannot supply is a thrown error (it used to trap).
  func testImpossibleBatchShapesAreErrors() {
    let cases: [BatchSampler.Strategy] = [
      .identityBalanced(p: 100, k: 2), .identityBalanced(p: 0, k: 2),
      .identityBalanced(p: 2, k: 0), .shuffled(batchSize: labels.count + 1),
      .shuffled(batchSize: 0),
    ]
    for strategy in cases {
      XCTAssertThrowsError(try BatchSampler(labels: labels, strategy: strategy, seed: 1)) {
        guard case .impossible = $0 as? SamplerError else { return XCTFail("\($0)") }
      }
    }
  }
}
