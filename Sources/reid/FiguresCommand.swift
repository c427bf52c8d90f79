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

  /// Draws `figures`, one line on standard error each: written, skipped and why, or failed
  /// and why (a corrupt image or weights file); the others are drawn all the same.
  ///
  /// - Throws: `FigureFailures` after the last figure when any failed.
  static func draw(_ figures: [FigureSpec], with writer: FigureWriter) throws {
    var failed: [String] = []
    for figure in figures {
      let path = writer.folder.appendingPathComponent(figure.path).path
      let line: String
      do {
        switch try writer.write(figure) {
        case .written: line = "wrote \(path)"
        case .skipped(let reason): line = "skipped \(path): \(reason)"
        }
      } catch {
        line = "failed \(path): \(error)"
        failed.append(figure.path)
      }
      FileHandle.standardError.write(Data((line + "\n").utf8))
    }
    guard failed.isEmpty else { throw FigureFailures(paths: failed) }
  }

  /// Figures that could not be drawn (each said why as it failed).
  struct FigureFailures: Error, CustomStringConvertible {
    var paths: [String]
    var description: String {
      "\(paths.count) figure\(paths.count == 1 ? "" : "s") could not be drawn: "
        + paths.joined(separator: ", ")
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
