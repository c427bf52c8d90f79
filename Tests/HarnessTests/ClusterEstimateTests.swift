import Harness
import TensorCore
import XCTest

/// The cluster estimate of `reid plan --nodes`: bytes per process, placement, scheduling.
final class ClusterEstimateTests: XCTestCase {
  func tally(gathered: Int, reduced: Int, collectives: Int) -> CommunicationTally {
    var tally = CommunicationTally()
    tally.gatheredBytes = gathered
    tally.reducedBytes = reduced
    tally.collectives = collectives
    return tally
  }

  /// What the MPI exchange really receives: R = 2, S = 4 was measured equal to this formula
  /// (0.132 MB for baseline-densenet smoke, scripts/bench-scale.sh prints both).
  func testNetworkBytesFollowTheExchangeAlgorithm() {
    let t = tally(gathered: 1000, reduced: 4000, collectives: 10)
    XCTAssertEqual(t.networkBytes(processes: 1, shards: 4), 0)
    // Half of each gathered result; the other rank's 2 banks of my half, and its half of the sum.
    XCTAssertEqual(t.networkBytes(processes: 2, shards: 4), 500 + 4000 * 3 * 0.5)
    XCTAssertEqual(t.networkBytes(processes: 4, shards: 4), 750 + 4000 * 2 * 0.75)
  }

  func testRunsWaitForTheirDependenciesAndForFreeNodes() {
    let cluster = ClusterEstimate.Cluster(
      nodes: 4, coresPerNode: 8, networkGbps: 8, latency: 1e-5)
    let volume = tally(gathered: 0, reduced: 1_000_000, collectives: 100)
    func run(_ name: String, after: [String] = []) -> ClusterEstimate.RunCost {
      ClusterEstimate.RunCost(
        name: name, dependencies: after, steps: 100, shards: 2, coreSecondsPerStep: 16,
        evaluationCoreSeconds: 160, communication: volume)
    }
    let estimate = ClusterEstimate(
      runs: [
        run("parsing"), run("a", after: ["parsing"]), run("b", after: ["parsing"]),
        run("c", after: ["parsing"]),
      ],
      cluster: cluster)
    let parsing = estimate.placements[0]
    XCTAssertEqual(parsing.processes, 2)
    XCTAssertEqual(parsing.nodes, 2)
    XCTAssertEqual(parsing.threadsPerProcess, 8)
    XCTAssertEqual(parsing.computeSecondsPerStep, 1, accuracy: 1e-12)
    // 2 processes of 2 shards: each receives the other's bank of its half and the other half
    // of the sum, 1 MB, at 1 GB/s; and 100 latencies of 10 us.
    XCTAssertEqual(parsing.communicationSecondsPerStep, 0.001 + 0.001, accuracy: 1e-12)
    let duration = 100 * (1 + 0.002) + 160.0 / 16
    XCTAssertEqual(parsing.finish, duration, accuracy: 1e-9)
    // a and b start together after parsing on the 4 nodes; c waits for two to free up.
    XCTAssertEqual(estimate.placements[1].start, duration, accuracy: 1e-9)
    XCTAssertEqual(estimate.placements[2].start, duration, accuracy: 1e-9)
    XCTAssertEqual(estimate.placements[3].start, 2 * duration, accuracy: 1e-9)
    XCTAssertEqual(estimate.wallSeconds, 3 * duration, accuracy: 1e-9)
    XCTAssertEqual(estimate.criticalPathSeconds, 2 * duration, accuracy: 1e-9)
  }

  func testProcessesOnOneNodeShareItsCoresAndExchangeForFree() {
    let estimate = ClusterEstimate(
      runs: [
        ClusterEstimate.RunCost(
          name: "r", dependencies: [], steps: 10, shards: 4, coreSecondsPerStep: 8,
          evaluationCoreSeconds: 0,
          communication: tally(gathered: 10, reduced: 10, collectives: 5))
      ],
      cluster: .init(nodes: 1, coresPerNode: 8, networkGbps: 10, latency: 1e-5))
    let placement = estimate.placements[0]
    XCTAssertEqual(placement.nodes, 1)
    XCTAssertEqual(placement.threadsPerProcess, 2)
    XCTAssertEqual(placement.computeSecondsPerStep, 1, accuracy: 1e-12)
    XCTAssertEqual(placement.communicationSecondsPerStep, 0)
    XCTAssertEqual(estimate.wallSeconds, 10, accuracy: 1e-9)
  }
}
