import ArgumentParser
import Foundation
import Harness
import TensorCore

/// `reid table NAME`: trains and evaluates what a table needs (unless `--from-cache`), then
/// writes `<results>/<name>.md`.
struct TableCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "table", abstract: "Regenerate a table of the paper (table1, table2, table3).")

  @Argument(help: "The table: table1, table2 or table3.")
  var name: String

  @Flag(help: "Only render from the results cache; train nothing.")
  var fromCache = false

  @Option(help: "Write the Markdown here instead of <results>/<name>.md ('-': standard output).")
  var output: String?

  @Flag(help: "Do not draw the figures (drawn beside the table, in figures/, by default).")
  var noFigures = false

  @OptionGroup var options: RegistryOptions

  func run() throws {
    let spec = try options.registry.table(name)
    let runner = options.runner()
    let plan: RunPlan
    if fromCache {
      plan = try runner.plan(spec.runNames)
    } else {
      try options.applyBLAS(for: spec.runNames)
      plan = try RequeueStatus.mapping { try options.execute(spec.runNames) }
      ClusterLaunch.leave()
      // The other processes of an MPI launch helped train; rank 0 writes the table.
      guard Processes.world.isPrimary else { return }
    }
    var renderer = TableRenderer(name: name, spec: spec, profile: options.profile, plan: plan)
    renderer.figures = FigureCatalog.table(name, spec: spec, plan: plan)
    let text = renderer.render()
    let destination = output ?? options.resultsURL.appendingPathComponent("\(name).md").path
    if destination == "-" {
      print(text, terminator: "")
      return
    }
    try Self.write(text, to: destination)
    FileHandle.standardError.write(Data("wrote \(destination)\n".utf8))
    guard !noFigures else { return }
    // Beside the table, where its links point.
    let folder = URL(fileURLWithPath: destination).deletingLastPathComponent()
      .appendingPathComponent("figures")
    try FiguresCommand.draw(
      renderer.figures,
      with: FigureWriter(plan: plan, table: (name, spec), folder: folder))
  }

  /// A table file that cannot be written.
  struct OutputError: Error, CustomStringConvertible {
    var description: String
  }

  /// Writes `text` to `path` atomically, creating its folder, with a clear error.
  static func write(_ text: String, to path: String) throws {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
      throw OutputError(description: "\(path) is a folder; --output needs a file path")
    }
    do {
      try FileManager.default.createDirectory(
        at: URL(fileURLWithPath: path).deletingLastPathComponent(),
        withIntermediateDirectories: true)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw OutputError(
        description: "cannot write \(path): a parent is not a folder or is not writable")
    }
  }
}
