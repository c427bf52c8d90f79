import CHDF5
import Glibc

/// Conversions between Swift strings and HDF5 string types, for datasets and attributes.
///
/// This module writes variable-length UTF-8 strings (h5py reads them as `str`); it also reads
/// fixed-length strings written by other tools. Strings cannot contain NUL characters: C
/// strings end at the first one.
enum HDF5Strings {
  /// The bytes of one variable-length string element in a dataset chunk (a heap id), used
  /// only to size chunks.
  static let storedElementBytes = 16

  /// A new variable-length UTF-8 string type; the caller closes it with `H5Tclose`.
  static func variableUTF8Type() -> hid_t {
    let type = H5Tcopy(chdf5_c_s1())
    guard type >= 0 else { return type }
    guard H5Tset_size(type, chdf5_t_variable()) >= 0, H5Tset_cset(type, H5T_CSET_UTF8) >= 0
    else {
      _ = H5Tclose(type)
      return -1
    }
    return type
  }

  /// Calls `body` with NUL-terminated copies of `strings` laid out as an array of pointers.
  static func withCStrings<R>(
    _ strings: [String], _ body: (UnsafeRawPointer) throws -> R
  ) rethrows -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { for pointer in pointers { free(pointer) } }
    return try pointers.withUnsafeBufferPointer { buffer in
      // An empty array still needs a valid address; HDF5 reads nothing from it.
      guard let base = buffer.baseAddress else {
        var none: UnsafeMutablePointer<CChar>? = nil
        return try withUnsafePointer(to: &none) { try body(UnsafeRawPointer($0)) }
      }
      return try body(UnsafeRawPointer(base))
    }
  }

  /// Reads `count` strings stored with `fileType` through `read(memoryType, buffer)`, which
  /// wraps `H5Dread` or `H5Aread`.
  ///
  /// - Throws: `failure()`, built while HDF5's error stack still holds the cause.
  static func read(
    count: Int, fileType: hid_t, failure: () -> HDF5Error,
    _ read: (hid_t, UnsafeMutableRawPointer) -> herr_t
  ) throws -> [String] {
    let variable = H5Tis_variable_str(fileType)
    if variable < 0 { throw failure() }
    if count == 0 { return [] }
    if variable > 0 {
      let memoryType = variableUTF8Type()
      guard memoryType >= 0 else { throw failure() }
      defer { _ = H5Tclose(memoryType) }
      var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
      let status = pointers.withUnsafeMutableBytes { raw -> herr_t in
        guard let base = raw.baseAddress else { return -1 }
        return read(memoryType, base)
      }
      defer { for pointer in pointers where pointer != nil { _ = H5free_memory(pointer) } }
      guard status >= 0 else { throw failure() }
      return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }
    return try readFixed(count: count, fileType: fileType, failure: failure, read)
  }

  /// Reads fixed-length strings, dropping the NUL or space padding.
  private static func readFixed(
    count: Int, fileType: hid_t, failure: () -> HDF5Error,
    _ read: (hid_t, UnsafeMutableRawPointer) -> herr_t
  ) throws -> [String] {
    let size = H5Tget_size(fileType)
    let memoryType = H5Tcopy(fileType)
    guard size > 0, memoryType >= 0 else { throw failure() }
    defer { _ = H5Tclose(memoryType) }
    var bytes = [UInt8](repeating: 0, count: count * size)
    let status = bytes.withUnsafeMutableBytes { raw -> herr_t in
      guard let base = raw.baseAddress else { return -1 }
      return read(memoryType, base)
    }
    guard status >= 0 else { throw failure() }
    let spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD
    return (0..<count).map { index in
      var element = bytes[(index * size)..<((index + 1) * size)]
      if let end = element.firstIndex(of: 0) { element = element[..<end] }
      while spacePadded && element.last == 0x20 { element = element.dropLast() }
      return String(decoding: element, as: UTF8.self)
    }
  }
}
