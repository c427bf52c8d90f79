import Harness
import XCTest

final class RunIDTests: XCTestCase {
  let registry = Registry(root: RegistryTests.experiments)

  func testEvaluationChoicesDoNotChangeTheRunIDButTrainingChoicesDo() throws {
    let base = try registry.resolve(run: "can-inception", profile: "ci").config
    let id = RunID.make(config: base, datasetFingerprint: "abc")
    XCTAssertEqual(id.count, 12)
    XCTAssertEqual(id, RunID.make(config: base, datasetFingerprint: "abc"))
    var evalChanged = base
    evalChanged.eval.flip = true
    evalChanged.eval.rerankK1 = 10
    XCTAssertEqual(RunID.make(config: evalChanged, datasetFingerprint: "abc"), id)
    var trainChanged = base
    trainChanged.train.iterations += 1
    XCTAssertNotEqual(RunID.make(config: trainChanged, datasetFingerprint: "abc"), id)
    XCTAssertNotEqual(RunID.make(config: base, datasetFingerprint: "abd"), id)
    XCTAssertNotEqual(
      RunID.make(config: base, datasetFingerprint: "abc", dependencies: ["parsing": "x"]), id)
    var threads = base
    threads.blas.threads = 1
    XCTAssertNotEqual(RunID.make(config: threads, datasetFingerprint: "abc"), id)
  }

  /// One shard is the trainer from before sharding: its ids (and the committed results) stand;
  /// other shard counts are other computations, with other ids.
  func testOneShardKeepsTheIDAndMoreShardsChangeIt() throws {
    let base = try registry.resolve(run: "can-inception", profile: "ci").config
    XCTAssertEqual(base.train.shards, 1)
    let text = RunID.canonicalText(config: base, datasetFingerprint: "abc", dependencies: [:])
    XCTAssertFalse(text.contains("shards"), text)
    var sharded = base
    sharded.train.shards = 4
    XCTAssertTrue(
      RunID.canonicalText(config: sharded, datasetFingerprint: "abc", dependencies: [:])
        .contains("\"shards\":4"))
    XCTAssertNotEqual(
      RunID.make(config: sharded, datasetFingerprint: "abc"),
      RunID.make(config: base, datasetFingerprint: "abc"))
  }

  func testProfilesGiveDifferentRuns() throws {
    let ci = try registry.resolve(run: "can-inception", profile: "ci").config
    let smoke = try registry.resolve(run: "can-inception", profile: "smoke").config
    XCTAssertNotEqual(
      RunID.make(config: ci, datasetFingerprint: "f"),
      RunID.make(config: smoke, datasetFingerprint: "f"))
  }

  func testSHA256MatchesTheStandardVector() {
    XCTAssertEqual(
      RunID.hexDigest(Data("abc".utf8)),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }
}
