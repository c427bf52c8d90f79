import Yams

/// A configuration tree written back as YAML text (for `config.yaml` and checkpoints).
enum YAMLText {
  static func of(_ tree: ConfigTree) throws -> String {
    try Yams.serialize(node: tree.node, sortKeys: false)
  }
}
