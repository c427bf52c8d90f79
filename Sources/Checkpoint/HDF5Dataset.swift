import CHDF5
import TensorCore

/// An open dataset: its shape, element type and layout, and typed reads.
///
/// Reads check the element type on disk against the requested one and throw
/// `HDF5Error.Kind.typeMismatch` instead of converting. A failed read (a Fletcher32 checksum
/// mismatch or an I/O error) throws `.readFailed`.
public final class HDF5Dataset: HDF5Object {
  /// The extents, outermost first; empty for a scalar dataset.
  public let shape: Shape
  /// The element type on disk.
  public let elementType: HDF5ElementType
  /// The chunk extents, or nil for a contiguous (or compact) dataset.
  public let chunkShape: Shape?
  /// Whether chunks carry Fletcher32 checksums.
  public let hasFletcher32: Bool

  init(context: FileContext, id: hid_t, path: String) throws {
    let space = H5Dget_space(id)
    let type = H5Dget_type(id)
    let dcpl = H5Dget_create_plist(id)
    defer {
      if space >= 0 { _ = H5Sclose(space) }
      if type >= 0 { _ = H5Tclose(type) }
      if dcpl >= 0 { _ = H5Pclose(dcpl) }
    }
    let extents = space >= 0 ? Self.extents(of: space) : nil
    guard let extents, type >= 0, dcpl >= 0 else {
      _ = H5Oclose(id)
      throw context.error(path, .operationFailed("inspect dataset"))
    }
    shape = Shape(extents)
    elementType = HDF5ElementType(datatype: type)
    if H5Pget_layout(dcpl) == H5D_CHUNKED {
      var chunk = [hsize_t](repeating: 0, count: max(extents.count, 1))
      let rank = H5Pget_chunk(dcpl, Int32(chunk.count), &chunk)
      chunkShape = rank >= 0 ? Shape(chunk.prefix(Int(rank)).map { Int($0) }) : nil
    } else {
      chunkShape = nil
    }
    hasFletcher32 =
      H5Pget_filter_by_id2(dcpl, H5Z_FILTER_FLETCHER32, nil, nil, nil, 0, nil, nil) >= 0
    super.init(context: context, id: id, path: path)
  }

  /// The number of elements.
  public var count: Int { shape.count }

  /// Reads the whole dataset as `T`.
  ///
  /// - Throws: `HDF5Error` with kind `.typeMismatch` or `.readFailed`.
  public func read<T: HDF5Scalar>(_ type: T.Type = T.self) throws -> ShapedArray<T> {
    let values = try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      try readRaw(into: UnsafeMutableRawPointer(buffer.baseAddress), as: T.self)
      initialized = count
    }
    return ShapedArray(shape: shape, values: values)
  }

  /// Reads the whole float32 dataset as a tensor of the dataset's shape.
  public func readTensor() throws -> Tensor {
    var tensor = Tensor(shape: shape)
    try tensor.withUnsafeMutableBufferPointer { buffer in
      try readRaw(into: UnsafeMutableRawPointer(buffer.baseAddress), as: Float.self)
    }
    return tensor
  }

  /// Reads the dataset into `buffer` (such as a parameter slab's view), checking that the
  /// dataset has the `expected` shape.
  ///
  /// - Throws: `HDF5Error` with kind `.shapeMismatch`, `.typeMismatch` or `.readFailed`.
  public func read<T: HDF5Scalar>(
    into buffer: UnsafeMutableBufferPointer<T>, expecting expected: Shape
  ) throws {
    checkPrecondition(
      buffer.count == expected.count,
      "HDF5Dataset.read(into:): buffer of \(buffer.count) for shape \(expected)")
    guard shape == expected else {
      throw HDF5Error(
        file: filePath, object: path,
        kind: .shapeMismatch(expected: "\(expected)", found: "\(shape)"))
    }
    try readRaw(into: UnsafeMutableRawPointer(buffer.baseAddress), as: T.self)
  }

  /// Reads a string dataset, flattened in row-major order.
  ///
  /// - Throws: `HDF5Error` with kind `.typeMismatch` or `.readFailed`.
  public func readStrings() throws -> [String] {
    try ensureOpen()
    try checkType(.string)
    let fileType = H5Dget_type(id)
    guard fileType >= 0 else { throw failure(.readFailed) }
    defer { _ = H5Tclose(fileType) }
    return try HDF5Strings.read(
      count: count, fileType: fileType, failure: { failure(.readFailed) }
    ) { memoryType, buffer in
      H5Dread(id, memoryType, chdf5_s_all(), chdf5_s_all(), HDF5Runtime.defaultPlist, buffer)
    }
  }

  // MARK: - Internals

  /// Reads every element into `destination`, which holds `count` values of `T`.
  private func readRaw<T: HDF5Scalar>(into destination: UnsafeMutableRawPointer?, as _: T.Type)
    throws
  {
    T.checkLayout()
    try ensureOpen()
    try checkType(T.hdf5ElementType)
    guard count > 0 else { return }
    guard let destination, let memoryType = T.hdf5ElementType.memoryType else {
      throw failure(.readFailed)
    }
    let status = H5Dread(
      id, memoryType, chdf5_s_all(), chdf5_s_all(), HDF5Runtime.defaultPlist, destination)
    if status < 0 { throw failure(.readFailed) }
  }

  /// Throws `.typeMismatch` unless the element type on disk is `expected`.
  private func checkType(_ expected: HDF5ElementType) throws {
    guard elementType == expected else {
      throw HDF5Error(
        file: filePath, object: path,
        kind: .typeMismatch(expected: "\(expected)", found: "\(elementType)"))
    }
  }

  /// The extents of a dataspace: empty for scalar, `[0]` for a null dataspace; nil if HDF5
  /// fails or the element count does not fit an `Int` (a damaged file must not trap).
  private static func extents(of space: hid_t) -> [Int]? {
    switch H5Sget_simple_extent_type(space) {
    case H5S_SCALAR: return []
    case H5S_NULL: return [0]
    case H5S_SIMPLE:
      let rank = H5Sget_simple_extent_ndims(space)
      guard rank >= 0 else { return nil }
      var dims = [hsize_t](repeating: 0, count: Int(rank))
      guard H5Sget_simple_extent_dims(space, &dims, nil) >= 0 else { return nil }
      var extents: [Int] = []
      var count = 1
      for dim in dims {
        guard let extent = Int(exactly: dim) else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: extent)
        if overflow { return nil }
        count = product
        extents.append(extent)
      }
      return extents
    default: return nil
    }
  }
}
