import CHDF5
import TensorCore

/// Writing and reading datasets in a group.
///
/// Names may be relative paths; missing intermediate groups are created. Writing over an
/// existing object throws `.alreadyExists` (remove it first). The default layout is
/// `DatasetOptions.checkpoint`: chunked with Fletcher32 checksums.
extension HDF5Group {
  // MARK: - Writing

  /// Writes a float32 tensor as a dataset of the tensor's shape.
  @discardableResult
  public func write(
    _ tensor: Tensor, to name: String, options: DatasetOptions = .checkpoint
  ) throws -> HDF5Dataset {
    try tensor.withUnsafeBufferPointer {
      try write($0, shape: tensor.shape, to: name, options: options)
    }
  }

  /// Writes `values` in row-major order as a dataset of `shape`.
  @discardableResult
  public func write<T: HDF5Scalar>(
    _ values: [T], shape: Shape, to name: String, options: DatasetOptions = .checkpoint
  ) throws -> HDF5Dataset {
    try values.withUnsafeBufferPointer { try write($0, shape: shape, to: name, options: options) }
  }

  /// Writes a buffer (such as a parameter slab's view) in row-major order as a dataset of
  /// `shape`.
  @discardableResult
  public func write<T: HDF5Scalar>(
    _ buffer: UnsafeBufferPointer<T>, shape: Shape, to name: String,
    options: DatasetOptions = .checkpoint
  ) throws -> HDF5Dataset {
    T.checkLayout()
    checkPrecondition(
      buffer.count == shape.count,
      "HDF5Group.write: \(buffer.count) values for shape \(shape) (\(shape.count) expected)")
    let element = T.hdf5ElementType
    guard let memoryType = element.memoryType, let fileType = element.fileType else {
      throw failure(.writeFailed("write \(element)"), member: name)
    }
    return try createDataset(
      name, fileType: fileType, shape: shape, elementBytes: element.byteSize, options: options
    ) { datasetID in
      guard let base = buffer.baseAddress else { return 0 }
      return H5Dwrite(
        datasetID, memoryType, chdf5_s_all(), chdf5_s_all(), HDF5Runtime.defaultPlist, base)
    }
  }

  /// Writes strings as a 1-D dataset of variable-length UTF-8 strings.
  ///
  /// Strings must not contain NUL characters (C strings end at the first one). HDF5 cannot
  /// checksum variable-length data, so `options.fletcher32` is ignored (chunking is kept).
  @discardableResult
  public func write(
    _ strings: [String], to name: String, options: DatasetOptions = .checkpoint
  ) throws -> HDF5Dataset {
    let stringType = HDF5Strings.variableUTF8Type()
    guard stringType >= 0 else { throw failure(.writeFailed("make a string type"), member: name) }
    defer { _ = H5Tclose(stringType) }
    var layout = options
    layout.fletcher32 = false
    return try createDataset(
      name, fileType: stringType, shape: Shape([strings.count]),
      elementBytes: HDF5Strings.storedElementBytes, options: layout
    ) { datasetID in
      HDF5Strings.withCStrings(strings) { pointers in
        H5Dwrite(
          datasetID, stringType, chdf5_s_all(), chdf5_s_all(), HDF5Runtime.defaultPlist,
          pointers)
      }
    }
  }

  // MARK: - Reading

  /// Opens the existing dataset at `name`.
  ///
  /// - Throws: `HDF5Error` with kind `.notFound`, or `.wrongObjectKind` for a group.
  public func openDataset(_ name: String) throws -> HDF5Dataset {
    let objectID = try openObject(name, expecting: .dataset)
    return try HDF5Dataset(context: context, id: objectID, path: HDF5Runtime.join(path, name))
  }

  /// Reads the float32 dataset at `name` as a tensor.
  public func readTensor(_ name: String) throws -> Tensor {
    try openDataset(name).readTensor()
  }

  /// Reads the dataset at `name` as values of `T` with its shape.
  public func read<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self) throws
    -> ShapedArray<T>
  {
    try openDataset(name).read(type)
  }

  /// Reads the string dataset at `name`, flattened in row-major order.
  public func readStrings(_ name: String) throws -> [String] {
    try openDataset(name).readStrings()
  }

  // MARK: - Internals

  /// Creates the dataset `name` and fills it with `write(datasetID)` (skipped when empty).
  ///
  /// On failure the new link is removed again, so no half-written dataset stays visible.
  private func createDataset(
    _ name: String, fileType: hid_t, shape: Shape, elementBytes: Int,
    options: DatasetOptions, write: (hid_t) -> herr_t
  ) throws -> HDF5Dataset {
    try ensureWritable()
    if try exists(name) { throw failure(.alreadyExists, member: name) }
    let space =
      shape.rank == 0
      ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.rank), HDF5Runtime.dims(shape), nil)
    guard space >= 0 else { throw failure(.writeFailed("make a dataspace"), member: name) }
    defer { _ = H5Sclose(space) }
    let dcpl = try creationPlist(
      chunk: options.chunkDims(for: shape.dims, elementBytes: elementBytes),
      fletcher32: options.fletcher32, member: name)
    defer { _ = H5Pclose(dcpl) }
    let datasetID = try withLinkCreationPlist(
      member: name, failing: .writeFailed("create dataset")
    ) { lcpl in H5Dcreate2(id, name, fileType, space, lcpl, dcpl, HDF5Runtime.defaultPlist) }
    if shape.count > 0 && write(datasetID) < 0 {
      let error = failure(.writeFailed("write dataset"), member: name)
      _ = H5Dclose(datasetID)
      _ = H5Ldelete(id, name, HDF5Runtime.defaultPlist)
      throw error
    }
    return try HDF5Dataset(context: context, id: datasetID, path: HDF5Runtime.join(path, name))
  }

  /// A dataset-creation property list for `chunk` extents (nil: contiguous) and checksums.
  private func creationPlist(chunk: [Int]?, fletcher32: Bool, member: String) throws -> hid_t {
    let dcpl = H5Pcreate(chdf5_p_dataset_create())
    guard dcpl >= 0 else { throw failure(.operationFailed("H5Pcreate"), member: member) }
    if let chunk {
      let dims = chunk.map { hsize_t($0) }
      var ok = H5Pset_chunk(dcpl, Int32(dims.count), dims) >= 0
      if ok && fletcher32 { ok = H5Pset_fletcher32(dcpl) >= 0 }
      if !ok {
        let error = failure(.writeFailed("set chunking \(chunk)"), member: member)
        _ = H5Pclose(dcpl)
        throw error
      }
    }
    return dcpl
  }
}
