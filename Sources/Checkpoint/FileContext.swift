import CHDF5

/// The state of one open file, shared by the file object and every object opened in it.
///
/// The file closes when `close()` is called or when the last object referring to it goes
/// away. Files are opened with `H5F_CLOSE_STRONG`, so closing the file also closes every
/// group and dataset still open in it; the wrappers then report `.closed`.
final class FileContext {
  /// The file path as the caller gave it.
  let path: String
  /// The HDF5 file id.
  let fileID: hid_t
  /// Whether the file was created or opened for writing.
  let writable: Bool
  /// Whether the file id is still valid.
  private(set) var isOpen = true

  init(path: String, fileID: hid_t, writable: Bool) {
    self.path = path
    self.fileID = fileID
    self.writable = writable
  }

  /// Closes the file (idempotent); throws when HDF5 cannot flush or close it.
  func close() throws {
    guard isOpen else { return }
    isOpen = false
    if H5Fclose(fileID) < 0 {
      throw error(nil, .fileAccess("close"))
    }
  }

  /// An error about `object` in this file, with HDF5's innermost message attached.
  func error(_ object: String?, _ kind: HDF5Error.Kind) -> HDF5Error {
    HDF5Error(file: path, object: object, kind: kind, detail: HDF5Runtime.errorDetail())
  }

  deinit {
    if isOpen { _ = H5Fclose(fileID) }
  }
}
