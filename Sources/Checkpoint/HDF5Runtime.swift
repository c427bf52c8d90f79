import CHDF5
import TensorCore

/// Library set-up, constants and error-stack access shared by the wrappers.
///
/// All HDF5 calls of the package go through this module; nothing else imports CHDF5.
enum HDF5Runtime {
  /// `H5P_DEFAULT`.
  static var defaultPlist: hid_t { chdf5_p_default() }

  /// Turns off HDF5's automatic error printing for the calling thread.
  ///
  /// The threadsafe build keeps one error stack per thread, so every public entry point
  /// calls this; it costs a lock and a thread-local lookup.
  static func prepare() {
    _ = H5Eset_auto2(chdf5_e_default(), nil, nil)
  }

  /// The most specific message on the calling thread's HDF5 error stack, if any.
  static func errorDetail() -> String? {
    var messages: [String] = []
    _ = withUnsafeMutablePointer(to: &messages) { list in
      H5Ewalk2(
        chdf5_e_default(), H5E_WALK_UPWARD,
        { _, entry, client in
          guard let entry, let client, let desc = entry.pointee.desc else { return 0 }
          client.assumingMemoryBound(to: [String].self).pointee.append(String(cString: desc))
          return 0
        }, list)
    }
    _ = H5Eclear2(chdf5_e_default())
    // Some messages span lines (I/O failures); keep errors on one line.
    return messages.first?.split(whereSeparator: \.isNewline).joined(separator: " ")
  }

  /// Converts a shape to HDF5 dimensions.
  static func dims(_ shape: Shape) -> [hsize_t] {
    shape.dims.map { hsize_t($0) }
  }

  /// Joins a parent object path and a relative or absolute member path.
  static func join(_ parent: String, _ name: String) -> String {
    if name.hasPrefix("/") { return name }
    if parent.hasSuffix("/") { return parent + name }
    return parent + "/" + name
  }
}
