import Foundation
import XCTest

/// Each kind of bad input gives a clear message naming what is wrong, a non-zero exit, and
/// leaves no run marked done.
final class BadInputTests: XCTestCase {
  func expectFailure(
    _ arguments: [String], environment: [String: String] = [:], mentioning expected: [String],
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let result = try ReidProcess.run(arguments, environment: environment)
    XCTAssertNotEqual(result.status, 0, "\(arguments) succeeded", file: file, line: line)
    XCTAssertEqual(
      result.reason, .exit, "\(arguments) crashed: \(result.errors)", file: file, line: line)
    for text in expected {
      XCTAssertTrue(
        result.errors.contains(text), "'\(text)' not in: \(result.errors.suffix(600))",
        file: file, line: line)
    }
  }

  func testTyposWrongTypesAndUnknownNames() throws {
    let results = ReidProcess.temporaryFolder(self, "bad").path
    try expectFailure(
      [
        "run", "can-inception", "--profile", "smoke", "--results", results, "--set",
        "train.iteratons=3",
      ],
      mentioning: ["--set train.iteratons=3", "train.iteratons", "unknown key", "iterations"])
    try expectFailure(
      [
        "run", "can-inception", "--profile", "smoke", "--results", results, "--set",
        "train.iterations=three",
      ],
      mentioning: ["train.iterations", "expected a value of type Int"])
    try expectFailure(
      ["run", "can-resnet", "--profile", "smoke", "--results", results],
      mentioning: ["no run named 'can-resnet'", "can-inception"])
    try expectFailure(
      ["table", "table7", "--profile", "smoke", "--results", results],
      mentioning: ["no table named 'table7'", "table1, table2, table3"])
    try expectFailure(
      ["run", "can-inception", "--profile", "fast", "--results", results],
      mentioning: ["no profile named 'fast'", "smoke"])
    XCTAssertFalse(FileManager.default.fileExists(atPath: results + "/runs"))
  }

  /// Values the trainer cannot use fail before anything is written (they used to trap
  /// mid-run), and runs of one invocation must agree on the process-wide BLAS settings.
  func testOutOfRangeValuesAndConflictingBLASSettingsFailBeforeTraining() throws {
    let results = ReidProcess.temporaryFolder(self, "range").path
    try expectFailure(
      [
        "run", "baseline-inception", "--profile", "smoke", "--results", results, "--set",
        "train.log_every=0",
      ],
      mentioning: ["--set train.log_every=0", "train.log_every", "expected a positive integer"])
    let experiments = ReidProcess.temporaryFolder(self, "experiments")
    try FileManager.default.copyItem(
      at: ReidProcess.repository.appendingPathComponent("Experiments"), to: experiments)
    let runFile = experiments.appendingPathComponent("runs/baseline-inception.yaml")
    try (String(contentsOf: runFile, encoding: .utf8) + "blas:\n  threads: 1\n")
      .write(to: runFile, atomically: true, encoding: .utf8)
    try expectFailure(
      [
        "table", "table2", "--profile", "smoke", "--results", results, "--experiments",
        experiments.path,
      ],
      mentioning: ["baseline-inception", "different BLAS settings", "threads 1"])
    XCTAssertFalse(FileManager.default.fileExists(atPath: results + "/runs"))
  }

  /// Wrong paths on the command line are named, not listed as nothing or dumped as NSError.
  func testAWrongRegistryOrOutputPathIsNamed() throws {
    try expectFailure(
      ["runs", "--experiments", "/nonexistent/Experiments"],
      mentioning: ["/nonexistent/Experiments", "not an experiment registry"])
    let folder = ReidProcess.temporaryFolder(self, "output")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try expectFailure(
      ["table", "table1", "--profile", "smoke", "--from-cache", "--output", folder.path],
      mentioning: [folder.path, "is a folder"])
    let file = folder.appendingPathComponent("a-file")
    try Data("x".utf8).write(to: file)
    try expectFailure(
      ["runs", "--profile", "smoke", "--results", file.path],
      mentioning: [file.path, "results folder is a file"])
  }

  func testAMissingRealDataRootSaysWhereItLooked() throws {
    let results = ReidProcess.temporaryFolder(self, "nodata").path
    try expectFailure(
      [
        "run", "baseline-inception", "--profile", "smoke", "--results", results, "--set",
        "data.source=real",
      ],
      environment: ["DATA_ROOT": "/nonexistent/reid-data"],
      mentioning: ["/nonexistent/reid-data/market1501/Market-1501-v15.09.15", "DATA_ROOT"])
  }

  func testAnUnwritableResultsFolderFailsCleanly() throws {
    let parent = ReidProcess.temporaryFolder(self, "unwritable")
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    let blocker = parent.appendingPathComponent("results")
    try Data("a file where the results folder should be".utf8).write(to: blocker)
    try expectFailure(
      ["run", "baseline-inception", "--profile", "smoke", "--results", blocker.path],
      mentioning: [blocker.path])
  }

  func testATruncatedNewestCheckpointFallsBackAndSaysSo() throws {
    let results = ReidProcess.temporaryFolder(self, "truncated")
    let arguments = [
      "run", "baseline-inception", "--profile", "smoke", "--seeds", "1", "--results", results.path,
      "--set", "train.iterations=8", "--set", "train.checkpoint_every=4",
    ]
    let first = try ReidProcess.run(arguments)
    XCTAssertEqual(first.status, 0, first.errors)
    let runs = try FileManager.default.contentsOfDirectory(
      at: results.appendingPathComponent("runs"), includingPropertiesForKeys: nil)
    let run = try XCTUnwrap(runs.first)
    // Pretend the run died after writing a damaged last checkpoint.
    for name in ["manifest.json", "eval.json", "weights.h5"] {
      try? FileManager.default.removeItem(at: run.appendingPathComponent(name))
    }
    let newest = run.appendingPathComponent("checkpoints/step-000008.h5")
    let bytes = try Data(contentsOf: newest)
    try bytes.prefix(bytes.count / 3).write(to: newest)
    let second = try ReidProcess.run(arguments)
    XCTAssertEqual(second.status, 0, second.errors)
    XCTAssertTrue(second.errors.contains("skipping checkpoint step-000008.h5"), second.errors)
    XCTAssertTrue(second.errors.contains("resuming from step-000004.h5"), second.errors)
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: run.appendingPathComponent("eval.json").path))
  }
}
