import ArgumentParser
import Foundation
import Harness

/// `reid runs`: every run of the registry under a profile, and how far it is.
struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs", abstract: "List the registry's runs: done, partial (step) or missing.")

  @OptionGroup var options: RegistryOptions

  func run() throws {
    let plan = try options.runner().plan(options.checkedRegistry().runNames)
    for run in plan.runs {
      let state: String
      if run.isDone {
        state = "done"
      } else if run.isTrained {
        state = "trained, not evaluated"
      } else if let step = run.checkpointStep {
        state = "partial (step \(step) of \(run.run.config.train.iterations))"
      } else {
        state = "missing"
      }
      var job = ""
      if !run.isDone,
        let record = SlurmJobRecord.read(run.directory.appendingPathComponent("slurm-job.json"))
      {
        // The job reid submit recorded, and its state now (a failed one names its log).
        let jobState = Slurm.state(of: record.jobID) ?? "gone from Slurm"
        job = "  [slurm job \(record.jobID) \(jobState)"
        if !Slurm.isActive(jobState) { job += "; log \(record.log)" }
        job += "]"
      }
      print(
        "\(run.label.padding(toLength: 26, withPad: " ", startingAt: 0)) \(run.id)  \(state)"
          + job)
    }
  }
}
