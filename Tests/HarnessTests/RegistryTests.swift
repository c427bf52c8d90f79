import Foundation
import Harness
import XCTest
import Yams

/// The committed registry resolves, and every kind of bad input is reported with its file,
/// line and key path.
final class RegistryTests: XCTestCase {
  static let experiments = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Experiments")

  var registry: Registry { Registry(root: Self.experiments) }

  /// A copy of the registry in a temporary folder, to damage.
  func scratchRegistry() throws -> Registry {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("registry-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: Self.experiments, to: dir)
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return Registry(root: dir)
  }

  func write(_ text: String, to name: String, in registry: Registry) throws {
    try text.write(
      to: registry.root.appendingPathComponent(name), atomically: true, encoding: .utf8)
  }

  func error(_ body: () throws -> Void) -> ConfigError? {
    do {
      try body()
      return nil
    } catch let error as ConfigError {
      return error
    } catch {
      XCTFail("unexpected error \(error)")
      return nil
    }
  }

  func testEveryRunResolvesUnderEveryProfile() throws {
    XCTAssertEqual(registry.profileNames, ["ci", "paper", "smoke"])
    XCTAssertEqual(registry.runNames.count, 10)
    for profile in registry.profileNames {
      for run in registry.runNames {
        let resolved = try registry.resolve(run: run, profile: profile)
        XCTAssertEqual(resolved.config.train.task, run.hasPrefix("parsing") ? "parsing" : "reid")
        XCTAssertFalse(resolved.description.isEmpty, run)
      }
    }
    let can = try registry.resolve(run: "can-densenet", profile: "paper")
    XCTAssertEqual(can.config.model.backbone, "densenet121")
    XCTAssertEqual(can.config.data.height, 748)
    XCTAssertEqual(can.config.initialization.parsingRun, "parsing-densenet")
    let parsing = try registry.resolve(run: "parsing-inception", profile: "ci")
    XCTAssertEqual(parsing.config.train.schedule.decay, "poly")
    XCTAssertEqual(parsing.config.train.iterations, 1000)
    XCTAssertEqual(parsing.config.train.optimizer.lr, 0.003)
  }

  /// base.yaml is the schema: it must list exactly the keys the typed configuration has.
  func testBaseYAMLListsEveryKeyOfTheConfiguration() throws {
    let config = try registry.resolve(run: "can-inception", profile: "paper").config
    let encoded = try ConfigTree.parse(try YAMLEncoder().encode(config), file: "encoded")
    func paths(_ tree: ConfigTree, _ prefix: String = "") -> Set<String> {
      var result = Set<String>()
      for key in tree.keys {
        let path = prefix.isEmpty ? key : "\(prefix).\(key)"
        result.insert(path)
        if let child = tree[key] { result.formUnion(paths(child, path)) }
      }
      return result
    }
    let base = paths(try registry.base())
    let typed = paths(encoded)
    XCTAssertEqual(typed.subtracting(base), [], "typed keys missing from base.yaml")
    // A null value is not encoded; this run of the paper profile sets every key.
    XCTAssertEqual(base.subtracting(typed), [], "base.yaml keys the configuration lacks")
  }

  func testAnUnknownKeyNamesTheFileLineKeyPathAndAllowedKeys() throws {
    let scratch = try scratchRegistry()
    try write(
      "description: typo\nmodel:\n  backbone: densenet121\n  descripter: can\n",
      to: "runs/typo.yaml", in: scratch)
    let e = error { _ = try scratch.resolve(run: "typo", profile: "ci") }
    XCTAssertEqual(e?.file.hasSuffix("runs/typo.yaml"), true)
    XCTAssertEqual(e?.line, 4)
    XCTAssertEqual(e?.keyPath, "model.descripter")
    XCTAssertEqual(e?.message.contains("descriptor"), true, "\(String(describing: e))")
  }

  func testAWrongTypeNamesTheFileThatSetIt() throws {
    let scratch = try scratchRegistry()
    try write(
      "description: bad type\ntrain:\n  iterations: many\n", to: "runs/bad.yaml", in: scratch)
    let e = error { _ = try scratch.resolve(run: "bad", profile: "smoke") }
    XCTAssertEqual(e?.file.hasSuffix("runs/bad.yaml"), true, "\(String(describing: e))")
    XCTAssertEqual(e?.keyPath, "train.iterations")
    XCTAssertEqual(e?.line, 3)
  }

  func testAMappingWhereAValueBelongsIsRejected() throws {
    let scratch = try scratchRegistry()
    try write("description: x\nseed: {a: 1}\n", to: "runs/map.yaml", in: scratch)
    let e = error { _ = try scratch.resolve(run: "map", profile: "smoke") }
    XCTAssertEqual(e?.keyPath, "seed")
    try write("- model\n- train\n", to: "runs/list.yaml", in: scratch)
    let list = error { _ = try scratch.resolve(run: "list", profile: "smoke") }
    XCTAssertEqual(
      list?.message.hasPrefix("expected a mapping"), true, "\(String(describing: list))")
  }

  func testInvalidYAMLAndDuplicateKeysAreReported() throws {
    let scratch = try scratchRegistry()
    try write("description: x\nmodel: [unclosed\n", to: "runs/broken.yaml", in: scratch)
    XCTAssertEqual(
      error { _ = try scratch.resolve(run: "broken", profile: "smoke") }?.message.hasPrefix(
        "invalid YAML"), true)
    try write("description: x\nseed: 1\nseed: 2\n", to: "runs/twice.yaml", in: scratch)
    let twice = error { _ = try scratch.resolve(run: "twice", profile: "smoke") }
    XCTAssertEqual(twice?.message.contains("duplicated key(s): 'seed'"), true)
    XCTAssertEqual(twice?.file.hasSuffix("runs/twice.yaml"), true)
  }

  func testUnknownNamesListTheKnownOnes() {
    let run = error { _ = try registry.resolve(run: "can-resnet", profile: "ci") }
    XCTAssertEqual(run?.message.contains("can-densenet"), true)
    let profile = error { _ = try registry.resolve(run: "can-inception", profile: "fast") }
    XCTAssertEqual(profile?.message.contains("smoke"), true)
    let table = error { _ = try registry.table("table9") }
    XCTAssertEqual(table?.message.contains("table1, table2, table3"), true)
  }

  func testOverridesApplyLastAndAreChecked() throws {
    let resolved = try registry.resolve(
      run: "can-inception", profile: "ci",
      overrides: ["train.iterations=7", "train.optimizer.lr=0.01", "eval.datasets=[market1501]"])
    XCTAssertEqual(resolved.config.train.iterations, 7)
    XCTAssertEqual(resolved.config.train.optimizer.lr, 0.01)
    XCTAssertEqual(resolved.config.eval.datasets, ["market1501"])
    let typo = error {
      _ = try registry.resolve(
        run: "can-inception", profile: "ci", overrides: ["train.iteratons=7"])
    }
    XCTAssertEqual(typo?.file, "--set train.iteratons=7")
    XCTAssertEqual(typo?.keyPath, "train.iteratons")
    let type = error {
      _ = try registry.resolve(run: "can-inception", profile: "ci", overrides: ["seed=abc"])
    }
    XCTAssertEqual(type?.file, "--set seed=abc")
    XCTAssertNotNil(error { _ = try registry.resolve(run: "x", profile: "ci", overrides: ["=1"]) })
  }

  /// Values decoding accepts but the trainer cannot use are located errors at resolve time
  /// (they used to trap mid-run, or, for NaN, give every run one id).
  func testOutOfRangeValuesAndUnknownNamesAreLocatedErrors() throws {
    let bad: [(String, String)] = [
      ("train.margin=.nan", "finite"), ("data.flip=.inf", "finite"),
      ("train.log_every=0", "positive"), ("train.checkpoint_every=0", "positive"),
      ("train.iterations=-5", "positive"), ("data.p=0", "positive"),
      ("eval.max_rank=0", "positive"), ("data.random_erasing=1.5", "[0, 1]"),
      ("model.width_multiplier=0", "> 0"), ("data.height=74", "at least 75"),
      ("train.optimizer.name=adma", "sgd, adam, adamw"),
      ("train.schedule.decay=xyz", "constant"), ("model.part_pooling=xyz", "gap"),
      ("model.backbone=resnet", "densenet121"), ("model.descriptor=best", "baseline"),
      ("data.train_sets=[market1501, foo]", "dukemtmc"), ("eval.datasets=[duke]", "dukemtmc"),
      ("data.source=web", "synthetic"),
    ]
    for (assignment, expected) in bad {
      let e = error {
        _ = try registry.resolve(run: "can-inception", profile: "ci", overrides: [assignment])
      }
      XCTAssertEqual(e?.file, "--set \(assignment)", assignment)
      XCTAssertEqual(e?.keyPath, String(assignment.prefix { $0 != "=" }), assignment)
      XCTAssertEqual(e?.message.contains(expected), true, "\(String(describing: e))")
    }
    // A bad value in a run file names that file and line.
    let scratch = try scratchRegistry()
    try write(
      "description: x\ntrain:\n  task: reid\n  log_every: 0\n", to: "runs/zero.yaml", in: scratch)
    let e = error { _ = try scratch.resolve(run: "zero", profile: "smoke") }
    XCTAssertEqual(e?.file.hasSuffix("runs/zero.yaml"), true, "\(String(describing: e))")
    XCTAssertEqual(e?.line, 4)
  }

  func testTablesHoldEveryOursRowOfThePaper() throws {
    let expectedOurs = ["table1": 7, "table2": 10, "table3": 10]
    for (name, count) in expectedOurs {
      let table = try registry.table(name)
      XCTAssertEqual(table.rows.filter(\.isOurs).count, count, name)
    }
    let table1 = try registry.table("table1")
    XCTAssertEqual(table1.runNames, ["can-inception", "can6-inception"])
    XCTAssertEqual(table1.rows[0].paper["dukemtmc"]?["mAP"], 68.7)
    let table2 = try registry.table("table2")
    XCTAssertEqual(
      table2.rows.first { $0.name == "Spindle" }?.paper["market1501"]?["mAP"], .some(nil))
  }

  /// A re-ID run can start only from a parsing run: anything else is a located error before
  /// any data is read or any run trained (it used to train the named run, then fail to load
  /// its weights, or report a bogus dependency cycle).
  func testInitParsingRunMustNameAParsingRun() throws {
    let e = error {
      _ = try RunPlan.make(
        ["can-inception"], profile: "smoke", overrides: ["init.parsing_run=baseline-densenet"],
        registry: registry, dataRoot: DataRoot(base: "/nonexistent"),
        results: URL(fileURLWithPath: "/nonexistent"), log: { _ in })
    }
    XCTAssertEqual(e?.keyPath, "init.parsing_run")
    XCTAssertEqual(e?.file, "--set init.parsing_run=baseline-densenet")
    XCTAssertEqual(e?.message.contains("not a parsing run"), true, "\(String(describing: e))")
  }

  func testATableRowNamingAnUnknownRunOrReadoutIsRejected() throws {
    let scratch = try scratchRegistry()
    let text = try String(
      contentsOf: scratch.root.appendingPathComponent("tables/table1.yaml"), encoding: .utf8)
    try write(
      text.replacingOccurrences(of: "readout: s3", with: "readout: s9"), to: "tables/table1.yaml",
      in: scratch)
    XCTAssertEqual(error { _ = try scratch.table("table1") }?.keyPath, "rows.2.readout")
    try write(
      text.replacingOccurrences(of: "run: can6-inception", with: "run: can7"),
      to: "tables/table1.yaml", in: scratch)
    XCTAssertEqual(error { _ = try scratch.table("table1") }?.keyPath, "rows.6.run")
    // A misspelled metric or test set (every cell would read "not run").
    try write(
      text.replacingOccurrences(of: "mAP", with: "map"), to: "tables/table1.yaml", in: scratch)
    let metric = error { _ = try scratch.table("table1") }
    XCTAssertEqual(metric?.keyPath, "metrics")
    XCTAssertEqual(metric?.message.contains("'map' is not one of"), true)
    try write(
      text.replacingOccurrences(of: "dukemtmc", with: "duke"), to: "tables/table1.yaml",
      in: scratch)
    XCTAssertEqual(error { _ = try scratch.table("table1") }?.keyPath, "datasets")
  }
}
