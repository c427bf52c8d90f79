/// One link in a group: its name and the kind of object it leads to.
public struct GroupMember: Equatable, Hashable, Sendable, CustomStringConvertible {
  /// The kind of object a link leads to.
  public enum Kind: Equatable, Hashable, Sendable {
    /// A group.
    case group
    /// A dataset.
    case dataset
    /// Anything else: a named datatype, or a soft or external link that cannot be resolved.
    case other
  }

  /// The link name, relative to the group.
  public let name: String
  /// The kind of object the link leads to.
  public let kind: Kind

  /// Creates a member description.
  public init(name: String, kind: Kind) {
    self.name = name
    self.kind = kind
  }

  /// `name/` for groups, `name` otherwise.
  public var description: String { kind == .group ? name + "/" : name }
}
