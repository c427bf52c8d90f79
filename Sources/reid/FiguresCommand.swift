import ArgumentParser
import Foundation
import Harness

/// `reid figures TABLE|RUN`: draws a table's or a run's figures from what is on disk (the
/// results cache, and where present the runs' saved features and weights); trains nothing.
struct FiguresCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "figures",
    abstract: "Draw a table's or a run's figures (CMC and training curves, rank lists, "
      + "attention, parsing) from the results cache.",
    discussion: """
      Figures go to <results>/figures/ (a table's CMC curves to figures/<table>/, a run's to
      figures/<run>/). CMC and training curves come from eval.json and metrics.jsonl; rank
      lists, attention and parsing need the run's features/ and weights.h5, which only the
      machine that trained it has: without them those figures are skipped and any copy
      already there is kept. `reid table` draws the table's figures too.
      """)

  @Argument(help: "A table (table1, table2, table3) or a run of the registry.")
  var name: String

  @Option(
    help: ArgumentHelp(
      "Only these kinds: cmc, training, ranks, attention, parsing.", valueName: "kind,kind,..."),
    transform: FiguresCommand.parseKinds)
  var kinds: Set<FigureSpec.Kind> = Set(FigureSpec.Kind.allCases)

  @Option(help: "The figures folder (default: <results>/figures).")
  var output: String?

  @OptionGroup var options: RegistryOptions

  func run() throws {
    let registry = try options.checkedRegistry()
    let table = registry.tableNames.contains(name) ? try registry.table(name) : nil
    let plan = try options.runner().plan(table?.runNames ?? [name])
    let figures =
      table.map { FigureCatalog.table(name, spec: $0, plan: plan) }
      ?? FigureCatalog.run(name, plan: plan)
    let writer = FigureWriter(
      plan: plan, table: table.map { (name, $0) },
      folder: output.map { URL(fileURLWithPath: $0) }
        ?? options.resultsURL.appendingPathComponent("figures"))
    try Self.draw(figures.filter { kinds.contains($0.kind) }, with: writer)
  }

  /// Draws `figures`, one line on standard error each: written, or skipped and why.
  static func draw(_ figures: [FigureSpec], with writer: FigureWriter) throws {
    for figure in figures {
      let path = writer.folder.appendingPathComponent(figure.path).path
      switch try writer.write(figure) {
      case .written: FileHandle.standardError.write(Data("wrote \(path)\n".utf8))
      case .skipped(let reason):
        FileHandle.standardError.write(Data("skipped \(path): \(reason)\n".utf8))
      }
    }
  }

  static func parseKinds(_ text: String) throws -> Set<FigureSpec.Kind> {
    var kinds = Set<FigureSpec.Kind>()
    for word in text.split(separator: ",") {
      guard let kind = FigureSpec.Kind(rawValue: word.trimmingCharacters(in: .whitespaces)) else {
        throw ValidationError(
          "--kinds: '\(word)' is not one of "
            + FigureSpec.Kind.allCases.map(\.rawValue).joined(separator: ", "))
      }
      kinds.insert(kind)
    }
    return kinds
  }
}
