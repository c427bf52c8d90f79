import Harness
import XCTest

/// The evaluation's batches are the same for any number of processes, and the processes'
/// shares are contiguous runs of them that together cover every image once, in rank order.
final class EvaluationShareTests: XCTestCase {
  func testSharesCoverEveryBatchOnceInRankOrder() {
    for (count, batch) in [(0, 16), (1, 16), (37, 16), (64, 16), (1000, 7)] {
      let alone = EvaluationShare(count: count, batch: batch, rank: 0, processes: 1)
      XCTAssertEqual(alone.batches.map(\.count).reduce(0, +), count)
      XCTAssertEqual(alone.batches.first?.lowerBound ?? 0, 0)
      XCTAssertTrue(alone.batches.dropLast().allSatisfy { $0.count == batch })
      XCTAssertEqual(Array(alone.localBatches), alone.batches)
      for processes in [2, 3, 4, 8] {
        let shares = (0..<processes).map {
          EvaluationShare(count: count, batch: batch, rank: $0, processes: processes)
        }
        XCTAssertTrue(shares.allSatisfy { $0.batches == alone.batches })
        XCTAssertEqual(shares.flatMap(\.localBatches), alone.batches, "\(count)/\(processes)")
        let sizes = shares.map(\.local.count)
        XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(sizes)")
      }
    }
  }
}
