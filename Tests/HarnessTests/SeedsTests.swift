import Foundation
import Harness
import XCTest

/// Seeds: a profile's list plans each re-ID run once per seed (the seed in its id), the
/// parsing run once; bad lists are located errors; the summary statistics are right.
final class SeedsTests: XCTestCase {
  var registry: Registry { Registry(root: RegistryTests.experiments) }

  func plan(_ names: [String], seeds: [UInt64]?) throws -> RunPlan {
    try RunPlan.make(
      names, profile: "smoke", overrides: [], seeds: seeds, registry: registry,
      dataRoot: DataRoot(base: "/nonexistent"),
      results: URL(fileURLWithPath: "/nonexistent-results"), requireData: false, log: { _ in })
  }

  func testEachSeedIsItsOwnRunAndTheParsingRunIsShared() throws {
    XCTAssertEqual(try registry.seeds(profile: "ci"), [1, 2, 3])
    XCTAssertEqual(try registry.seeds(profile: "smoke"), [1, 2])
    let seeded = try plan(["can-inception"], seeds: [1, 2])
    XCTAssertEqual(
      seeded.runs.map(\.label), ["parsing-inception", "can-inception/seed1", "can-inception/seed2"])
    XCTAssertEqual(seeded.instances(of: "can-inception").map(\.seed), [1, 2])
    XCTAssertEqual(seeded.runs.map(\.isSeeded), [false, true, true])
    let ids = seeded.runs.map(\.id)
    XCTAssertEqual(Set(ids).count, 3, "every seed has its own run id")
    XCTAssertEqual(seeded.runs[1].dependencies, ["parsing-inception"])
    XCTAssertEqual(seeded.runs[2].dependencies, ["parsing-inception"])
    // base.yaml's seed is 1: seed 1 keeps the id the run had before seeds were listed.
    let unseeded = try plan(["can-inception"], seeds: nil)
    XCTAssertEqual(unseeded.runs.map(\.label), ["parsing-inception", "can-inception"])
    XCTAssertEqual(unseeded["can-inception"]?.id, seeded["can-inception/seed1"]?.id)
    // A seed from a list is in the label even alone; listed seeds are planned in order.
    XCTAssertEqual(
      try plan(["can-inception"], seeds: [7]).runs.map(\.label).last, "can-inception/seed7")
    XCTAssertEqual(
      try plan(["can-inception"], seeds: [3, 1]).instances(of: "can-inception").map(\.seed),
      [1, 3])
    // `--set seed=2` trains the run of `--seeds 2`: the parsing run keeps its own seed.
    let overridden = try RunPlan.make(
      ["can-inception"], profile: "smoke", overrides: ["seed=2"], seeds: nil,
      registry: registry, dataRoot: DataRoot(base: "/nonexistent"),
      results: URL(fileURLWithPath: "/nonexistent-results"), requireData: false, log: { _ in })
    XCTAssertEqual(overridden["parsing-inception"]?.id, seeded["parsing-inception"]?.id)
    XCTAssertEqual(overridden["can-inception"]?.id, seeded["can-inception/seed2"]?.id)
  }

  func testSeedListsFromTheCommandLineAndTheirErrors() throws {
    XCTAssertEqual(try registry.seeds(profile: "ci", overrides: [], requested: [4, 5]), [4, 5])
    XCTAssertNil(try registry.seeds(profile: "ci", overrides: ["seed=9"], requested: nil))
    XCTAssertThrowsError(try registry.seeds(profile: "ci", overrides: ["seed=9"], requested: [1]))
    XCTAssertThrowsError(try registry.seeds(profile: "ci", overrides: [], requested: [1, 1]))

    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("seeds-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: RegistryTests.experiments, to: folder)
    defer { try? FileManager.default.removeItem(at: folder) }
    let scratch = Registry(root: folder)
    let path = scratch.root.appendingPathComponent("profiles/smoke.yaml")
    let text = try String(contentsOf: path, encoding: .utf8)
    for (list, message) in [
      ("[1, 1]", "seed 1 is listed twice"), ("[]", "non-empty list"), ("[a]", "non-negative"),
      ("3", "non-empty list"),
    ] {
      try text.replacingOccurrences(of: "seeds: [1, 2]", with: "seeds: \(list)")
        .write(to: path, atomically: true, encoding: .utf8)
      do {
        _ = try scratch.seeds(profile: "smoke")
        XCTFail("seeds: \(list) was accepted")
      } catch let error as ConfigError {
        XCTAssertEqual(error.keyPath, "seeds")
        XCTAssertEqual(error.file, path.path)
        XCTAssertNotNil(error.line, "\(error)")
        XCTAssertTrue(error.message.contains(message), "\(list): \(error)")
      }
    }
  }

  func testMeanSpreadAndTheStudentTInterval() throws {
    let summary = SeedSummary([3: 4, 1: 1, 2: 2, 4: 3])
    XCTAssertEqual(summary.values.map(\.seed), [1, 2, 3, 4])
    XCTAssertEqual(summary.mean, 2.5)
    XCTAssertEqual(
      try XCTUnwrap(summary.standardDeviation), (5.0 / 3).squareRoot(), accuracy: 1e-12)
    let interval = try XCTUnwrap(summary.interval95)
    let half = 3.182 * (5.0 / 3).squareRoot() / 2
    XCTAssertEqual(interval.lowerBound, 2.5 - half, accuracy: 1e-12)
    XCTAssertEqual(interval.upperBound, 2.5 + half, accuracy: 1e-12)
    XCTAssertNil(SeedSummary([1: 5]).standardDeviation)
    XCTAssertNil(SeedSummary([1: 5]).interval95)
    XCTAssertNil(SeedSummary([:]).mean)
  }
}

/// Claims in a table file are checked when the table loads.
final class ClaimSpecTests: XCTestCase {
  func testClaimsNamingUnknownRowsOrTwoComparisonsAreLocatedErrors() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("claims-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: RegistryTests.experiments, to: folder)
    defer { try? FileManager.default.removeItem(at: folder) }
    let registry = Registry(root: folder)
    XCTAssertEqual(try registry.table("table1").claims.count, 2)
    XCTAssertEqual(try registry.table("table2").claims.map(\.row).first, "CANpt")
    let path = folder.appendingPathComponent("tables/table1.yaml")
    let text = try String(contentsOf: path, encoding: .utf8)
    for (from, to, keyPath) in [
      ("    versus: CAN\n", "    versus: CAN-7\n", "claims.1.versus"),
      ("    versus: CAN\n", "    versus: CAN\n    versus_best_of: [S1]\n", "claims.1.versus"),
      (
        "    metric: rank1\n    expect: {above: 0}\n",
        "    metric: rank3\n    expect: {above: 0}\n",
        "claims.0.metric"
      ),
      ("    expect: {above: 0}\n", "    expect: {over: 0}\n", "claims.0.expect.over"),
      ("    row: S1\n", "    row: S1\n    rows: [S2]\n", "claims.0.rows"),
    ] {
      XCTAssertTrue(text.contains(from), from)
      try text.replacingOccurrences(of: from, with: to).write(
        to: path, atomically: true, encoding: .utf8)
      do {
        _ = try registry.table("table1")
        XCTFail("accepted: \(to)")
      } catch let error as ConfigError {
        XCTAssertEqual(error.keyPath, keyPath, "\(error)")
        XCTAssertNotNil(error.line, "\(error)")
      }
    }
  }
}
