import CHDF5

/// Scalar attributes on files, groups and datasets: variable-length UTF-8 strings and
/// numbers (`Int64` step counters, `Double` metrics, format versions).
///
/// Setting an attribute that exists replaces it. Errors name the object and the attribute,
/// like `x.h5: /params/w (attribute step): expected int64, found string`.
extension HDF5Object {
  /// Sets a variable-length UTF-8 string attribute (without NUL characters).
  public func setAttribute(_ name: String, _ value: String) throws {
    let stringType = HDF5Strings.variableUTF8Type()
    guard stringType >= 0 else { throw attributeFailure(.writeFailed("make a string type"), name) }
    defer { _ = H5Tclose(stringType) }
    try createAttribute(name, fileType: stringType) { attributeID in
      HDF5Strings.withCStrings([value]) { H5Awrite(attributeID, stringType, $0) }
    }
  }

  /// Sets a numeric scalar attribute, stored little-endian.
  public func setAttribute<T: HDF5Scalar>(_ name: String, _ value: T) throws {
    T.checkLayout()
    guard let memoryType = T.hdf5ElementType.memoryType, let fileType = T.hdf5ElementType.fileType
    else { throw attributeFailure(.writeFailed("write \(T.hdf5ElementType)"), name) }
    try createAttribute(name, fileType: fileType) { attributeID in
      withUnsafePointer(to: value) { H5Awrite(attributeID, memoryType, $0) }
    }
  }

  /// Reads a string attribute.
  ///
  /// - Throws: `HDF5Error` with kind `.notFound`, `.typeMismatch`, `.shapeMismatch` (not a
  ///   single value) or `.readFailed`.
  public func stringAttribute(_ name: String) throws -> String {
    try withAttribute(name, expecting: .string) { attributeID, fileType in
      let strings = try HDF5Strings.read(
        count: 1, fileType: fileType, failure: { attributeFailure(.readFailed, name) }
      ) { memoryType, buffer in H5Aread(attributeID, memoryType, buffer) }
      guard let value = strings.first else { throw attributeFailure(.readFailed, name) }
      return value
    }
  }

  /// Reads a numeric scalar attribute as `T`; the type on disk must be `T`'s.
  public func attribute<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self) throws -> T {
    T.checkLayout()
    return try withAttribute(name, expecting: T.hdf5ElementType) { attributeID, _ in
      guard let memoryType = T.hdf5ElementType.memoryType else {
        throw attributeFailure(.readFailed, name)
      }
      let value = try [T](unsafeUninitializedCapacity: 1) { buffer, initialized in
        guard let base = buffer.baseAddress, H5Aread(attributeID, memoryType, base) >= 0 else {
          throw attributeFailure(.readFailed, name)
        }
        initialized = 1
      }
      guard let first = value.first else { throw attributeFailure(.readFailed, name) }
      return first
    }
  }

  /// The element type of an attribute.
  public func attributeType(_ name: String) throws -> HDF5ElementType {
    try withAttribute(name, expecting: nil) { _, fileType in HDF5ElementType(datatype: fileType) }
  }

  /// Whether the object has an attribute called `name`.
  public func hasAttribute(_ name: String) throws -> Bool {
    try ensureOpen()
    let status = H5Aexists(id, name)
    if status < 0 { throw attributeFailure(.operationFailed("H5Aexists"), name) }
    return status > 0
  }

  /// The names of the object's attributes, sorted.
  public func attributeNames() throws -> [String] {
    try ensureOpen()
    var names: [String] = []
    let status = withUnsafeMutablePointer(to: &names) { list in
      H5Aiterate2(
        id, H5_INDEX_NAME, H5_ITER_INC, nil,
        { _, name, _, client in
          guard let name, let client else { return -1 }
          client.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
          return 0
        }, list)
    }
    if status < 0 { throw failure(.operationFailed("list attributes")) }
    return names
  }

  /// Removes the attribute `name`.
  public func removeAttribute(_ name: String) throws {
    try ensureWritable()
    guard try hasAttribute(name) else { throw attributeFailure(.notFound, name) }
    if H5Adelete(id, name) < 0 { throw attributeFailure(.writeFailed("remove attribute"), name) }
  }

  // MARK: - Internals

  /// An error about attribute `name` of this object.
  private func attributeFailure(_ kind: HDF5Error.Kind, _ name: String) -> HDF5Error {
    context.error("\(path) (attribute \(name))", kind)
  }

  /// Replaces attribute `name` by a scalar of `fileType` filled by `write(attributeID)`.
  private func createAttribute(
    _ name: String, fileType: hid_t, write: (hid_t) -> herr_t
  ) throws {
    try ensureWritable()
    if try hasAttribute(name), H5Adelete(id, name) < 0 {
      throw attributeFailure(.writeFailed("replace attribute"), name)
    }
    let space = H5Screate(H5S_SCALAR)
    guard space >= 0 else { throw attributeFailure(.writeFailed("make a dataspace"), name) }
    defer { _ = H5Sclose(space) }
    let attributeID = H5Acreate2(
      id, name, fileType, space, HDF5Runtime.defaultPlist, HDF5Runtime.defaultPlist)
    guard attributeID >= 0 else {
      throw attributeFailure(.writeFailed("create attribute"), name)
    }
    defer { _ = H5Aclose(attributeID) }
    if write(attributeID) < 0 { throw attributeFailure(.writeFailed("write attribute"), name) }
  }

  /// Opens attribute `name`, checks that it holds one value of `expected` (any type if nil)
  /// and calls `body` with the attribute id and its datatype.
  private func withAttribute<R>(
    _ name: String, expecting expected: HDF5ElementType?, _ body: (hid_t, hid_t) throws -> R
  ) throws -> R {
    guard try hasAttribute(name) else { throw attributeFailure(.notFound, name) }
    let attributeID = H5Aopen(id, name, HDF5Runtime.defaultPlist)
    guard attributeID >= 0 else { throw attributeFailure(.operationFailed("open"), name) }
    defer { _ = H5Aclose(attributeID) }
    let fileType = H5Aget_type(attributeID)
    let space = H5Aget_space(attributeID)
    defer {
      if fileType >= 0 { _ = H5Tclose(fileType) }
      if space >= 0 { _ = H5Sclose(space) }
    }
    guard fileType >= 0, space >= 0 else { throw attributeFailure(.readFailed, name) }
    if let expected {
      let found = HDF5ElementType(datatype: fileType)
      guard found == expected else {
        throw attributeFailure(
          .typeMismatch(expected: "\(expected)", found: "\(found)"), name)
      }
      let points = H5Sget_simple_extent_npoints(space)
      guard points == 1 else {
        throw attributeFailure(
          .shapeMismatch(expected: "a scalar", found: "\(points) values"), name)
      }
    }
    return try body(attributeID, fileType)
  }
}
