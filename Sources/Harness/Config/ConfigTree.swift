import Foundation
import Yams

/// Where a configuration value came from.
public struct ConfigOrigin: Sendable, Equatable {
  /// The file (or `--set`).
  public var file: String
  /// The 1-based line, when known.
  public var line: Int?
}

/// A YAML document as a tree whose leaves remember their file and line, so that values from
/// several files can be merged (later wins) and an error still names the file that set a key.
public indirect enum ConfigTree {
  /// A scalar or null, as YAML wrote it (its tag decides its type when decoded).
  case leaf(Node, ConfigOrigin)
  /// A mapping with string keys, in file order.
  case mapping([(key: String, value: ConfigTree)], ConfigOrigin)
  /// A sequence.
  case sequence([ConfigTree], ConfigOrigin)

  /// The origin of this value.
  public var origin: ConfigOrigin {
    switch self {
    case .leaf(_, let o), .mapping(_, let o), .sequence(_, let o): return o
    }
  }

  /// Reads and parses a YAML file into a tree; an empty file is an empty mapping.
  public static func load(file path: String, displayName: String? = nil) throws -> ConfigTree {
    let name = displayName ?? path
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError(file: name, keyPath: "", message: "cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigError(file: name, keyPath: "", message: "is not UTF-8 text")
    }
    return try parse(text, file: name)
  }

  /// Parses YAML text.
  public static func parse(_ text: String, file: String) throws -> ConfigTree {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw ConfigError(file: file, keyPath: "", message: "invalid YAML: \(error)")
    }
    guard let node else { return .mapping([], ConfigOrigin(file: file, line: 1)) }
    return try ConfigTree(node, file: file, path: "")
  }

  init(_ node: Node, file: String, path: String) throws {
    let origin = ConfigOrigin(file: file, line: node.mark?.line)
    switch node {
    case .scalar:
      self = .leaf(node, origin)
    case .mapping(let mapping):
      var pairs: [(key: String, value: ConfigTree)] = []
      for (keyNode, valueNode) in mapping {
        guard let key = keyNode.scalar?.string else {
          throw ConfigError(
            file: file, line: keyNode.mark?.line, keyPath: path, message: "keys must be strings")
        }
        pairs.append((key, try ConfigTree(valueNode, file: file, path: ConfigTree.join(path, key))))
      }
      self = .mapping(pairs, origin)
    case .sequence(let sequence):
      self = .sequence(
        try sequence.enumerated().map {
          try ConfigTree($0.element, file: file, path: "\(path)[\($0.offset)]")
        }, origin)
    case .alias:
      throw ConfigError(
        file: file, line: node.mark?.line, keyPath: path, message: "YAML aliases are not supported")
    }
  }

  static func join(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
  }

  /// The value at a key of a mapping.
  public subscript(key: String) -> ConfigTree? {
    guard case .mapping(let pairs, _) = self else { return nil }
    return pairs.first { $0.key == key }?.value
  }

  /// The keys of a mapping (empty for other values).
  public var keys: [String] {
    guard case .mapping(let pairs, _) = self else { return [] }
    return pairs.map(\.key)
  }

  /// The tree without the given top-level keys.
  public func removing(_ removed: Set<String>) -> ConfigTree {
    guard case .mapping(let pairs, let origin) = self else { return self }
    return .mapping(pairs.filter { !removed.contains($0.key) }, origin)
  }

  /// `overlay` merged over this tree: mappings merge key by key, anything else is replaced.
  public func merged(with overlay: ConfigTree) -> ConfigTree {
    guard case .mapping(let base, let origin) = self, case .mapping(let top, _) = overlay else {
      return overlay
    }
    var pairs = base
    for (key, value) in top {
      if let i = pairs.firstIndex(where: { $0.key == key }) {
        pairs[i].value = pairs[i].value.merged(with: value)
      } else {
        pairs.append((key, value))
      }
    }
    return .mapping(pairs, origin)
  }

  /// The Yams node of this tree, for decoding.
  public var node: Node {
    switch self {
    case .leaf(let node, _): return node
    case .mapping(let pairs, _):
      return .mapping(Node.Mapping(pairs.map { (Node($0.key), $0.value.node) }))
    case .sequence(let items, _): return .sequence(Node.Sequence(items.map(\.node)))
    }
  }

  /// The origin of the value at a dotted key path (the deepest existing ancestor's otherwise).
  public func origin(at keyPath: [String]) -> ConfigOrigin {
    var current = self
    for key in keyPath {
      if case .sequence(let items, _) = current, let i = Int(key), items.indices.contains(i) {
        current = items[i]
      } else if let next = current[key] {
        current = next
      } else {
        break
      }
    }
    return current.origin
  }
}
