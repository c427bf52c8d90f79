import ReIDEval
import TensorCore
import XCTest

/// Rank lists follow the evaluation protocol: same identity and camera dropped, nearest
/// first, ties by gallery index, only queries with a true match, picked evenly.
final class RankListTests: XCTestCase {
  func testRankListsDropSameCameraMatchesAndBreakTiesByIndex() {
    // Query 0: pid 1 camera 1; query 1: pid 2 camera 1 (its only match shares the camera:
    // not evaluable); query 2: pid 3 camera 2.
    let query = IdentityLabels(pids: [1, 2, 3], camids: [1, 1, 2])
    let gallery = IdentityLabels(pids: [1, 1, 2, 3, 0, 3], camids: [1, 2, 1, 1, 3, 2])
    let distances = Tensor(
      shape: [3, 6],
      scalars: [
        0.1, 0.5, 0.2, 0.5, 0.3, 0.9,
        0.1, 0.2, 0.3, 0.4, 0.5, 0.6,
        0.7, 0.6, 0.5, 0.4, 0.4, 0.1,
      ])
    let lists = RankList.make(
      distances: distances, query: query, gallery: gallery, count: 4, ranks: 3)
    XCTAssertEqual(lists.map(\.query), [0, 2])
    // Query 0: gallery 0 (pid 1, camera 1) is dropped; 1 and 3 tie at 0.5, index first.
    XCTAssertEqual(lists[0].gallery, [2, 4, 1])
    XCTAssertEqual(lists[0].matches, [false, false, true])
    // Query 2: gallery 5 (pid 3, camera 2) is dropped; 3 and 4 tie at 0.4.
    XCTAssertEqual(lists[1].gallery, [3, 4, 2])
    XCTAssertEqual(lists[1].matches, [true, false, false])
  }

  func testEvenlySpacedPicksIncludeTheEnds() {
    XCTAssertEqual(RankList.evenlySpaced(4, of: 10), [0, 3, 6, 9])
    XCTAssertEqual(RankList.evenlySpaced(4, of: 2), [0, 1])
    XCTAssertEqual(RankList.evenlySpaced(3, of: 1), [0])
    XCTAssertEqual(RankList.evenlySpaced(3, of: 0), [])
  }
}
