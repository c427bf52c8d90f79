import Foundation
import Harness
import XCTest

/// The batch scripts and dependency graph `reid submit` writes, and `cluster.yaml`'s checks.
/// (Submitting them to a real Slurm is scripts/test-slurm.sh's.)
final class SlurmSubmissionTests: XCTestCase {
  var registry: Registry { Registry(root: RegistryTests.experiments) }

  func temporaryFolder() throws -> URL {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("slurm-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
  }

  func submission(_ names: [String], table: String?, options: SlurmOptions) throws
    -> SlurmSubmission
  {
    let results = try temporaryFolder()
    let plan = try RunPlan.make(
      names, profile: "smoke", overrides: ["train.shards=2"], registry: registry,
      dataRoot: DataRoot(base: "/nonexistent"), results: results, requireData: false,
      log: { _ in })
    return SlurmSubmission(
      plan: plan, table: table, profile: "smoke", overrides: ["train.shards=2"],
      results: results, experiments: registry.root, dataRoot: "/data root",
      executable: "/opt/reid/bin/reid", workingDirectory: "/work", options: options)
  }

  func testEveryRunGetsAJobAfterTheRunsItStartsFromAndTheTableComesLast() throws {
    let table = try submission(
      try registry.table("table1").runNames, table: "table1", options: SlurmOptions())
    let jobs = table.jobs
    XCTAssertEqual(
      jobs.map(\.key), ["parsing-inception", "can-inception", "can6-inception", "table:table1"])
    XCTAssertEqual(jobs[0].dependencies, [])
    XCTAssertEqual(jobs[1].dependencies, ["parsing-inception"])
    XCTAssertEqual(jobs[3].dependencies, ["parsing-inception", "can-inception", "can6-inception"])
    XCTAssertEqual(
      table.graph(jobs).split(separator: "\n")[1], "can-inception  (after parsing-inception)")
    for job in jobs {
      XCTAssertEqual(job.scriptURL.deletingLastPathComponent().path, table.folder.path)
      XCTAssertTrue(job.script.contains("#SBATCH --output=\(job.logURL.path)"), job.key)
      XCTAssertTrue(job.script.contains("#SBATCH --open-mode=append"), job.key)
    }
    XCTAssertEqual(jobs[1].recordURL.lastPathComponent, "slurm-job.json")
    XCTAssertTrue(
      jobs[3].script.hasSuffix(
        "/opt/reid/bin/reid table table1 --profile smoke --results \(table.results.path)"
          + " --experiments \(registry.root.path) --set train.shards=2\n"))
  }

  func testARunsJobRequeuesItselfOnTheSignalAndRunsUnderMPIWhenItHasSeveralTasks() throws {
    var options = SlurmOptions()
    options.signalLead = 90
    options.partition = "long"
    options.extraArguments = ["--qos=high"]
    let single = try submission(["baseline-densenet"], table: nil, options: options).jobs
    XCTAssertEqual(single.count, 1)
    let script = single[0].script
    for line in [
      "#SBATCH --requeue", "#SBATCH --signal=B:USR1@90", "#SBATCH --ntasks=1",
      "#SBATCH --partition=long", "#SBATCH --qos=high", "export DATA_ROOT='/data root'",
      "trap 'kill -USR1 \"$child\" 2>/dev/null' USR1", "  scontrol requeue \"$SLURM_JOB_ID\"",
    ] {
      XCTAssertTrue(script.contains(line + "\n"), "missing \(line) in\n\(script)")
    }
    XCTAssertFalse(script.contains("mpirun"))
    XCTAssertFalse(script.contains("--nodes="))

    options.nodes = 2
    let parallel = try submission(["baseline-densenet"], table: nil, options: options).jobs[0]
    XCTAssertTrue(parallel.script.contains("#SBATCH --nodes=2\n#SBATCH --ntasks-per-node=1\n"))
    XCTAssertTrue(
      parallel.script.contains("mpirun -np \"$SLURM_NTASKS\" /opt/reid/bin/reid run baseline"))
  }

  func testClusterYAMLOverridesTheDefaultsAndItsMistakesNameTheKey() throws {
    let folder = try temporaryFolder()
    XCTAssertEqual(try SlurmOptions.load(experiments: folder), SlurmOptions())
    let file = folder.appendingPathComponent("cluster.yaml")
    try """
    partition: gpu
    time: 2-00:00:00
    ntasks_per_node: 4
    signal_lead: 120
    sbatch_args: [--mem=20G]
    """.write(to: file, atomically: true, encoding: .utf8)
    let options = try SlurmOptions.load(experiments: folder)
    XCTAssertEqual(options.partition, "gpu")
    XCTAssertEqual(options.time, "2-00:00:00")
    XCTAssertEqual(options.tasks, 4)
    XCTAssertEqual(options.signalLead, 120)
    XCTAssertEqual(options.extraArguments, ["--mem=20G"])

    for (text, key, message) in [
      ("partitoin: gpu", "partitoin", "unknown key; allowed: partition,"),
      ("nodes: 0", "nodes", "expected a positive integer"),
      ("sbatch_args: --mem=20G", "sbatch_args", "expected a list of strings"),
      ("- gpu", "", "expected a mapping"),
    ] {
      try text.write(to: file, atomically: true, encoding: .utf8)
      do {
        _ = try SlurmOptions.load(experiments: folder)
        XCTFail("\(text) was accepted")
      } catch let error as ConfigError {
        XCTAssertEqual(error.file, file.path)
        XCTAssertEqual(error.keyPath, key)
        XCTAssertTrue(error.message.hasPrefix(message), error.message)
      }
    }
  }
}
