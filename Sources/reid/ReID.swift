import ArgumentParser

/// The `reid` command line: a thin shell over the project's modules.
@main
struct ReID: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reid",
    abstract: "Cascade Attention Network re-ID harness: train, evaluate, tabulate.",
    subcommands: [
      InfoCommand.self, InspectModelCommand.self, ForwardCommand.self, SynthCommand.self,
      DataCommand.self, RunCommand.self, InspectCommand.self, EvalCommand.self, TableCommand.self,
      RunsCommand.self, PlanCommand.self, SubmitCommand.self, FiguresCommand.self,
    ])
}
