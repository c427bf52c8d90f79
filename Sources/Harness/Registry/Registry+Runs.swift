import Foundation

/// A run's configuration resolved from the registry.
public struct ResolvedRun {
  /// The run's name (its file stem in `runs/`).
  public var name: String
  /// The profile it was resolved under.
  public var profile: String
  /// What the run is, from its file.
  public var description: String
  /// The resolved configuration.
  public var config: ExperimentConfig
  /// The merged tree (for `config.yaml` and for locating errors).
  public var tree: ConfigTree
}

extension Registry {
  static let runFileKeys: Set<String> = ["description"]
  static let profileKeys: Set<String> = ["description", "seeds", "config", "tasks"]

  /// Resolves a run: base.yaml, then the profile's `config`, then the profile's `tasks` entry
  /// for the run's task, then the run's file, then each `--set` override, in that order.
  ///
  /// - Throws: `ConfigError` naming the file, line and key path of an unknown key, a wrong
  ///   type or a missing value; or an unknown run or profile.
  public func resolve(run name: String, profile: String, overrides: [String] = []) throws
    -> ResolvedRun
  {
    let base = try self.base()
    let runTree = try load(file("runs", name, kind: "run", known: runNames))
    guard case .mapping = runTree else {
      throw ConfigError(
        file: runTree.origin.file, line: runTree.origin.line, keyPath: "",
        message: "expected a mapping of configuration keys (description, model, train, ...)")
    }
    try ConfigDecoding.checkKeys(
      runTree.removing(Self.runFileKeys), against: base)
    let profileTree = try load(file("profiles", profile, kind: "profile", known: profileNames))
    try ConfigDecoding.checkKeys(profileTree, allowed: Self.profileKeys, path: [])
    let overrideTrees = try overrides.map(ConfigDecoding.override)
    for tree in overrideTrees { try ConfigDecoding.checkKeys(tree, against: base) }

    var merged = base
    if let common = profileTree["config"] {
      try ConfigDecoding.checkKeys(common, against: base, path: [])
      merged = merged.merged(with: common)
    }
    let task = try taskName(of: base.merged(with: runTree.removing(Self.runFileKeys)))
    if let tasks = profileTree["tasks"] {
      try ConfigDecoding.checkKeys(tasks, allowed: ["reid", "parsing"], path: ["tasks"])
      if let forTask = tasks[task] {
        try ConfigDecoding.checkKeys(forTask, against: base, path: [])
        merged = merged.merged(with: forTask)
      }
    }
    merged = merged.merged(with: runTree.removing(Self.runFileKeys))
    for tree in overrideTrees { merged = merged.merged(with: tree) }
    let config = try ConfigDecoding.decode(ExperimentConfig.self, from: merged)
    try config.validate(in: merged)
    let description = runTree["description"].flatMap { tree -> String? in
      if case .leaf(let node, _) = tree { return node.string }
      return nil
    }
    return ResolvedRun(
      name: name, profile: profile, description: description ?? "", config: config, tree: merged)
  }

  func taskName(of tree: ConfigTree) throws -> String {
    guard case .leaf(let node, let origin)? = tree["train"]?["task"], let task = node.string,
      ["reid", "parsing"].contains(task)
    else {
      let origin = tree["train"]?["task"]?.origin ?? tree.origin
      throw ConfigError(
        file: origin.file, line: origin.line, keyPath: "train.task",
        message: "expected 'reid' or 'parsing'")
    }
    _ = origin
    return task
  }
}
