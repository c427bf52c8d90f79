import Foundation

/// The experiment registry: `Experiments/` with `base.yaml`, `profiles/*.yaml`, `runs/*.yaml`
/// and `tables/*.yaml`.
public struct Registry: Sendable {
  /// The registry folder.
  public let root: URL

  /// The registry at `root` (usually `Experiments`).
  public init(root: URL) { self.root = root }

  /// The names (file stems) of the YAML files in a subfolder, sorted.
  func names(in folder: String) -> [String] {
    let url = root.appendingPathComponent(folder)
    let files = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
  }

  /// Throws unless `root` looks like a registry (`base.yaml` and a `runs/` folder): a wrong
  /// `--experiments` path would otherwise list no runs at all.
  public func checkLayout() throws {
    let manager = FileManager.default
    var isFolder: ObjCBool = false
    guard manager.fileExists(atPath: root.appendingPathComponent("base.yaml").path),
      manager.fileExists(atPath: root.appendingPathComponent("runs").path, isDirectory: &isFolder),
      isFolder.boolValue
    else {
      throw ConfigError(
        file: displayPath(root.path), keyPath: "",
        message: "not an experiment registry: expected base.yaml and the folders runs/, "
          + "profiles/ and tables/ in it")
    }
  }

  /// The trained runs.
  public var runNames: [String] { names(in: "runs") }
  /// The profiles.
  public var profileNames: [String] { names(in: "profiles") }
  /// The tables.
  public var tableNames: [String] { names(in: "tables") }

  /// The file of an entry, or an error listing the known ones.
  func file(_ folder: String, _ name: String, kind: String, known: [String]) throws -> String {
    let path = root.appendingPathComponent(folder).appendingPathComponent("\(name).yaml").path
    guard FileManager.default.fileExists(atPath: path) else {
      throw ConfigError(
        file: displayPath(path), keyPath: "",
        message: "no \(kind) named '\(name)'; known: \(known.joined(separator: ", "))")
    }
    return path
  }

  /// A path as shown in messages: relative to the working folder when below it.
  func displayPath(_ path: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath + "/"
    return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
  }

  func load(_ path: String) throws -> ConfigTree {
    try ConfigTree.load(file: path, displayName: displayPath(path))
  }

  /// `base.yaml`: every key of a run's configuration with its default.
  public func base() throws -> ConfigTree {
    try load(root.appendingPathComponent("base.yaml").path)
  }
}
