import TensorCore

/// Parameter counts of a model grouped by module, for `reid inspect-model`.
public struct ParameterSummary: Sendable {
  /// One module's share: its name and scalar count.
  public struct Row: Sendable, Equatable {
    /// The module, for example `features.denseblock3` or `Mixed_6b`.
    public var module: String
    /// Its parameter scalars.
    public var count: Int
  }

  /// The modules in registration order.
  public let rows: [Row]
  /// All parameter scalars.
  public let total: Int

  /// Groups `slab`'s entries by module: the first name component, or the first two under a
  /// container (a prefix listed in `containers`, `features` by default).
  public init(_ slab: ParameterSlab, containers: Set<String> = ["features"]) {
    var rows: [Row] = []
    var index: [String: Int] = [:]
    for entry in slab.entries {
      let parts = entry.name.split(separator: ".").map(String.init)
      var depth = 1
      while depth < parts.count - 1 && containers.contains(parts[0..<depth].joined(separator: "."))
      {
        depth += 1
      }
      let module = parts[0..<depth].joined(separator: ".")
      if let i = index[module] {
        rows[i].count += entry.count
      } else {
        index[module] = rows.count
        rows.append(Row(module: module, count: entry.count))
      }
    }
    self.rows = rows
    total = slab.count
  }
}
