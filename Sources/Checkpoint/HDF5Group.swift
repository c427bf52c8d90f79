import CHDF5

/// A group in an HDF5 file: creates, opens, lists and removes its members.
///
/// Member names may be paths relative to the group (`params/conv.weight`) or absolute
/// (`/params/conv.weight`). Datasets are written and read through the extensions in
/// `HDF5Group+Datasets.swift`.
public class HDF5Group: HDF5Object {
  /// Creates a group at `name`, creating missing intermediate groups.
  ///
  /// - Throws: `HDF5Error` with kind `.alreadyExists` if something exists at `name`.
  @discardableResult
  public func createGroup(_ name: String) throws -> HDF5Group {
    try ensureWritable()
    if try exists(name) { throw failure(.alreadyExists, member: name) }
    let groupID = try withLinkCreationPlist(
      member: name, failing: .writeFailed("create group")
    ) { lcpl in H5Gcreate2(id, name, lcpl, HDF5Runtime.defaultPlist, HDF5Runtime.defaultPlist) }
    return HDF5Group(context: context, id: groupID, path: HDF5Runtime.join(path, name))
  }

  /// Opens the existing group at `name`.
  ///
  /// - Throws: `HDF5Error` with kind `.notFound`, or `.wrongObjectKind` for a dataset.
  public func openGroup(_ name: String) throws -> HDF5Group {
    let objectID = try openObject(name, expecting: .group)
    return HDF5Group(context: context, id: objectID, path: HDF5Runtime.join(path, name))
  }

  /// Opens the group at `name`, creating it (and intermediate groups) if it is missing.
  public func requireGroup(_ name: String) throws -> HDF5Group {
    try exists(name) ? openGroup(name) : createGroup(name)
  }

  /// Whether an object exists at `name` (every intermediate link must exist and be a group).
  public func exists(_ name: String) throws -> Bool {
    try ensureOpen()
    var prefix = name.hasPrefix("/") ? "/" : ""
    for component in name.split(separator: "/", omittingEmptySubsequences: true) {
      // HDF5 fails, rather than answering no, on a path through a dataset.
      if !prefix.isEmpty && prefix != "/" && kind(of: prefix) != .group { return false }
      prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
      let status = H5Lexists(id, prefix, HDF5Runtime.defaultPlist)
      if status < 0 { throw failure(.operationFailed("H5Lexists"), member: name) }
      if status == 0 { return false }
    }
    if prefix.isEmpty || prefix == "/" { return true }
    return H5Oexists_by_name(id, prefix, HDF5Runtime.defaultPlist) > 0
  }

  /// The members of the group, sorted by name, with the kind of each.
  public func members() throws -> [GroupMember] {
    try ensureOpen()
    var names: [String] = []
    let status = withUnsafeMutablePointer(to: &names) { list in
      H5Literate(
        id, H5_INDEX_NAME, H5_ITER_INC, nil,
        { _, name, _, client in
          guard let name, let client else { return -1 }
          client.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
          return 0
        }, list)
    }
    if status < 0 { throw failure(.operationFailed("list members")) }
    return names.map { GroupMember(name: $0, kind: kind(of: $0)) }
  }

  /// Removes the link `name` (the space of a removed dataset is not reclaimed in the file).
  public func remove(_ name: String) throws {
    try ensureWritable()
    guard try exists(name) else { throw failure(.notFound, member: name) }
    if H5Ldelete(id, name, HDF5Runtime.defaultPlist) < 0 {
      throw failure(.writeFailed("remove"), member: name)
    }
  }

  // MARK: - Internals

  /// The kind of object at `name`, `.other` if it cannot be opened.
  func kind(of name: String) -> GroupMember.Kind {
    let objectID = H5Oopen(id, name, HDF5Runtime.defaultPlist)
    guard objectID >= 0 else { return .other }
    defer { _ = H5Oclose(objectID) }
    return Self.kind(ofObject: objectID)
  }

  /// The kind of an open object.
  static func kind(ofObject objectID: hid_t) -> GroupMember.Kind {
    switch H5Iget_type(objectID) {
    case H5I_GROUP: return .group
    case H5I_DATASET: return .dataset
    default: return .other
    }
  }

  /// Opens the object at `name`, checking that it is of the expected kind.
  func openObject(_ name: String, expecting expected: GroupMember.Kind) throws -> hid_t {
    guard try exists(name) else { throw failure(.notFound, member: name) }
    let objectID = H5Oopen(id, name, HDF5Runtime.defaultPlist)
    guard objectID >= 0 else { throw failure(.operationFailed("open"), member: name) }
    let found = Self.kind(ofObject: objectID)
    guard found == expected else {
      _ = H5Oclose(objectID)
      throw failure(
        .wrongObjectKind(
          expected: "\(expected)", found: found == .other ? "other object" : "\(found)"),
        member: name)
    }
    return objectID
  }

  /// Calls `body` with a link-creation property list that creates intermediate groups and
  /// stores link names as UTF-8, and throws `kind` about `member` if it returns a negative id.
  func withLinkCreationPlist(
    member: String, failing kind: HDF5Error.Kind, _ body: (hid_t) -> hid_t
  ) throws -> hid_t {
    let lcpl = H5Pcreate(chdf5_p_link_create())
    guard lcpl >= 0 else { throw failure(.operationFailed("H5Pcreate")) }
    defer { _ = H5Pclose(lcpl) }
    guard H5Pset_create_intermediate_group(lcpl, 1) >= 0,
      H5Pset_char_encoding(lcpl, H5T_CSET_UTF8) >= 0
    else { throw failure(.operationFailed("link creation properties")) }
    let result = body(lcpl)
    // The error is built before the plist closes: H5Pclose clears HDF5's error stack.
    if result < 0 { throw failure(kind, member: member) }
    return result
  }
}
