import Foundation

extension Registry {
  /// The seeds a profile trains each re-ID run with (its `seeds` list), or nil when the
  /// profile has none (each run once, with its configured `seed`).
  ///
  /// Each seed is its own run: `seed` is part of the run id, so every seed is cached and
  /// resumed on its own. Parsing runs, which re-ID runs start from, are not repeated: every
  /// seed of a re-ID run starts from the same pretrained parsing stream, as the paper starts
  /// from one LIP-pretrained model.
  ///
  /// - Throws: `ConfigError` locating a `seeds` value that is not a non-empty list of
  ///   distinct non-negative integers.
  public func seeds(profile: String) throws -> [UInt64]? {
    let tree = try load(file("profiles", profile, kind: "profile", known: profileNames))
    guard let list = tree["seeds"] else { return nil }
    func fail(_ message: String) -> ConfigError {
      ConfigError(
        file: list.origin.file, line: list.origin.line, keyPath: "seeds", message: message)
    }
    guard case .sequence(let items, _) = list, !items.isEmpty else {
      throw fail("expected a non-empty list of seeds, e.g. [1, 2, 3]")
    }
    var seeds: [UInt64] = []
    for item in items {
      guard case .leaf(let node, _) = item, let text = node.string, let seed = UInt64(text)
      else { throw fail("expected non-negative integers") }
      guard !seeds.contains(seed) else { throw fail("seed \(seed) is listed twice") }
      seeds.append(seed)
    }
    return seeds
  }

  /// The seeds to train each re-ID run with, from (first that applies) the command line's
  /// `--seeds`, a `--set seed=N` override (that one seed), or the profile's `seeds`.
  public func seeds(profile: String, overrides: [String], requested: [UInt64]?) throws
    -> [UInt64]?
  {
    let setsSeed = overrides.contains { $0.hasPrefix("seed=") }
    if let requested {
      guard !setsSeed else {
        throw ConfigError(
          file: "--set", keyPath: "seed", message: "give either --seeds or --set seed=N, not both")
      }
      guard !requested.isEmpty, Set(requested).count == requested.count else {
        throw ConfigError(
          file: "--seeds", keyPath: "seed", message: "expected distinct seeds, e.g. --seeds 1,2,3")
      }
      return requested
    }
    return setsSeed ? nil : try seeds(profile: profile)
  }
}
