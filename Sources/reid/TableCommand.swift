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

  @OptionGroup var options: RegistryOptions

  func run() throws {
    let spec = try options.registry.table(name)
    let runner = options.runner()
    let plan: RunPlan
    if fromCache {
      plan = try runner.plan(spec.runNames)
    } else {
      try options.applyBLAS(for: spec.runNames)
      plan = try RequeueStatus.mapping { try runner.execute(spec.runNames) }
      ClusterLaunch.leave()
      // The other processes of an MPI launch helped train; rank 0 writes the table.
      guard Processes.world.isPrimary else { return }
    }
    let text = TableRenderer(name: name, spec: spec, profile: options.profile, plan: plan).render()
    let destination = output ?? options.resultsURL.appendingPathComponent("\(name).md").path
    if destination == "-" {
      print(text, terminator: "")
    } else {
      try Self.write(text, to: destination)
      FileHandle.standardError.write(Data("wrote \(destination)\n".utf8))
    }
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
