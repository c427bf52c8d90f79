import Foundation
import Yams

/// Strict checks and typed decoding of configuration trees.
enum ConfigDecoding {
  /// Rejects every key of `overlay` that `schema` does not have, naming the file, key path
  /// and the allowed keys; also rejects a mapping where the schema has a scalar or sequence.
  ///
  /// `base.yaml` is the schema of a run's configuration: it lists every key with its default.
  static func checkKeys(_ overlay: ConfigTree, against schema: ConfigTree, path: [String] = [])
    throws
  {
    guard case .mapping(let pairs, _) = overlay else { return }
    guard case .mapping(let allowed, _) = schema else {
      throw ConfigError(
        file: overlay.origin.file, line: overlay.origin.line, keyPath: path.joined(separator: "."),
        message: "expected a single value, found a mapping")
    }
    for (key, value) in pairs {
      guard let expected = allowed.first(where: { $0.key == key })?.value else {
        throw ConfigError(
          file: value.origin.file, line: value.origin.line,
          keyPath: (path + [key]).joined(separator: "."),
          message: "unknown key; allowed keys here: "
            + allowed.map(\.key).sorted().joined(separator: ", "))
      }
      if case .mapping = expected {
        if case .mapping = value {
        } else if case .leaf(let node, _) = value, node.null != nil {
        } else {
          throw ConfigError(
            file: value.origin.file, line: value.origin.line,
            keyPath: (path + [key]).joined(separator: "."),
            message: "expected a mapping with keys: "
              + expected.keys.sorted().joined(separator: ", "))
        }
      }
      try checkKeys(value, against: expected, path: path + [key])
    }
  }

  /// Rejects keys outside `allowed` in one mapping (for files without a base schema).
  static func checkKeys(_ tree: ConfigTree, allowed: Set<String>, path: [String]) throws {
    guard case .mapping(let pairs, _) = tree else {
      throw ConfigError(
        file: tree.origin.file, line: tree.origin.line, keyPath: path.joined(separator: "."),
        message: "expected a mapping with keys: \(allowed.sorted().joined(separator: ", "))")
    }
    for (key, value) in pairs where !allowed.contains(key) {
      throw ConfigError(
        file: value.origin.file, line: value.origin.line,
        keyPath: (path + [key]).joined(separator: "."),
        message: "unknown key; allowed keys here: \(allowed.sorted().joined(separator: ", "))")
    }
  }

  /// Decodes `tree` as `T`, turning decoding errors into errors located in the file that set
  /// the offending key.
  static func decode<T: Decodable>(_ type: T.Type, from tree: ConfigTree) throws -> T {
    do {
      return try YAMLDecoder().decode(type, from: tree.node)
    } catch let error as DecodingError {
      throw located(error, in: tree)
    }
  }

  static func located(_ error: DecodingError, in tree: ConfigTree) -> ConfigError {
    func keys(_ path: [CodingKey]) -> [String] {
      path.map { $0.intValue.map(String.init) ?? $0.stringValue }
    }
    switch error {
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      let path = keys(context.codingPath)
      let origin = tree.origin(at: path)
      return ConfigError(
        file: origin.file, line: origin.line, keyPath: path.joined(separator: "."),
        message: "expected a value of type \(type)")
    case .keyNotFound(let key, let context):
      let path = keys(context.codingPath)
      let origin = tree.origin(at: path)
      return ConfigError(
        file: origin.file, line: origin.line,
        keyPath: (path + [key.stringValue]).joined(separator: "."),
        message: "missing required key")
    case .dataCorrupted(let context):
      let path = keys(context.codingPath)
      let origin = tree.origin(at: path)
      return ConfigError(
        file: origin.file, line: origin.line, keyPath: path.joined(separator: "."),
        message: context.debugDescription)
    @unknown default:
      return ConfigError(file: tree.origin.file, keyPath: "", message: "\(error)")
    }
  }

  /// Parses `key.path=value` (the value is YAML: `3`, `0.1`, `true`, `[a, b]`, `null`).
  static func override(_ assignment: String) throws -> ConfigTree {
    let file = "--set \(assignment)"
    guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
      throw ConfigError(file: file, keyPath: "", message: "expected KEY.PATH=VALUE")
    }
    let path = assignment[..<equals].split(separator: ".", omittingEmptySubsequences: false)
      .map(String.init)
    guard !path.contains(where: \.isEmpty) else {
      throw ConfigError(file: file, keyPath: "", message: "empty key in the key path")
    }
    var tree = try ConfigTree.parse(
      String(assignment[assignment.index(after: equals)...]), file: file)
    if case .mapping(let pairs, _) = tree, pairs.isEmpty {
      tree = .leaf(Node.null(), ConfigOrigin(file: file, line: nil))
    }
    for key in path.reversed() {
      tree = .mapping([(key, tree)], ConfigOrigin(file: file, line: nil))
    }
    return tree
  }
}

extension Node {
  /// A YAML null node.
  static func null() -> Node { Node("null", Tag(.null)) }
}
