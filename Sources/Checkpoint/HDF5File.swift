import CHDF5
import Glibc

/// An HDF5 file, which is also its root group `/`.
///
/// Files are readable by HDF5 1.8 and later (default library version bounds). Closing is
/// deterministic: `close()` closes the file and everything opened in it; otherwise the file
/// closes when the file object and every group and dataset opened in it have been released.
public final class HDF5File: HDF5Group {
  /// How an existing file is opened.
  public enum Mode: Sendable {
    /// Reading only; every write throws `HDF5Error.Kind.readOnly`.
    case readOnly
    /// Reading and writing.
    case readWrite
  }

  private init(context: FileContext) {
    super.init(context: context, id: context.fileID, path: "/", ownsID: false)
  }

  /// Creates a file at `path`, replacing any existing file.
  ///
  /// - Throws: `HDF5Error` with kind `.fileAccess("create")` if the file cannot be created.
  public static func create(at path: String) throws -> HDF5File {
    try create(at: path, displayPath: path)
  }

  /// Creates a file at `path`; errors name `displayPath` (the destination of an atomic write).
  static func create(at path: String, displayPath: String) throws -> HDF5File {
    HDF5Runtime.prepare()
    let fileID = try withAccessPlist(path: displayPath, failing: .fileAccess("create")) { fapl in
      H5Fcreate(path, chdf5_f_acc_trunc(), HDF5Runtime.defaultPlist, fapl)
    }
    return HDF5File(context: FileContext(path: displayPath, fileID: fileID, writable: true))
  }

  /// Opens an existing file.
  ///
  /// - Throws: `HDF5Error` with kind `.fileNotFound`, `.notHDF5` (no HDF5 signature),
  ///   `.corruptFile` (a signature but truncated or damaged) or `.fileAccess`.
  public static func open(_ path: String, mode: Mode = .readOnly) throws -> HDF5File {
    HDF5Runtime.prepare()
    func failure(_ kind: HDF5Error.Kind, _ detail: String?) -> HDF5Error {
      HDF5Error(file: path, object: nil, kind: kind, detail: detail)
    }
    if access(path, F_OK) != 0 {
      let code = errno
      if code == ENOENT { throw failure(.fileNotFound, nil) }
      throw failure(.fileAccess("open"), String(cString: strerror(code)))
    }
    let accessMode = mode == .readOnly ? R_OK : R_OK | W_OK
    if access(path, accessMode) != 0 {
      throw failure(.fileAccess("open"), String(cString: strerror(errno)))
    }
    var status = stat()
    if stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR {
      throw failure(.fileAccess("open"), String(cString: strerror(EISDIR)))
    }
    guard H5Fis_hdf5(path) > 0 else {
      throw failure(.notHDF5, HDF5Runtime.errorDetail())
    }
    let flags = mode == .readOnly ? chdf5_f_acc_rdonly() : chdf5_f_acc_rdwr()
    let fileID: hid_t
    do {
      fileID = try withAccessPlist(path: path, failing: .corruptFile) { H5Fopen(path, flags, $0) }
    } catch let error as HDF5Error where error.detail?.contains("already open") == true {
      // Opened elsewhere in this process with another mode: not a damaged file.
      throw failure(.fileAccess("open"), error.detail)
    }
    let context = FileContext(path: path, fileID: fileID, writable: mode == .readWrite)
    return HDF5File(context: context)
  }

  /// Creates an HDF5 file at `path` atomically: `body` fills a temporary file, which is
  /// closed, synced and renamed over `path` only if `body` returns.
  ///
  /// - Parameter body: writes the content; it must not keep the file or its objects.
  /// - Returns: what `body` returns.
  /// - Throws: what `body` throws (then `path` is unchanged), `HDF5Error` or
  ///   `AtomicFileError`.
  @discardableResult
  public static func writeAtomically<R>(
    to path: String, _ body: (HDF5File) throws -> R
  ) throws -> R {
    try AtomicFile.write(to: path) { temporaryPath in
      let file = try create(at: temporaryPath, displayPath: path)
      do {
        let result = try body(file)
        try file.close()
        return result
      } catch {
        try? file.close()
        throw error
      }
    }
  }

  /// Flushes buffered data of the whole file to the operating system.
  public func flush() throws {
    try ensureOpen()
    if H5Fflush(context.fileID, H5F_SCOPE_GLOBAL) < 0 {
      throw context.error(nil, .fileAccess("flush"))
    }
  }

  /// Closes the file and every group, dataset and attribute still open in it.
  ///
  /// - Throws: `HDF5Error` with kind `.fileAccess("close")` if pending data cannot be written.
  public override func close() throws {
    HDF5Runtime.prepare()
    try context.close()
  }

  /// Calls `body` with a file-access property list that closes open objects with the file,
  /// and throws `kind` if it returns a negative id.
  private static func withAccessPlist(
    path: String, failing kind: HDF5Error.Kind, _ body: (hid_t) -> hid_t
  ) throws -> hid_t {
    let fapl = H5Pcreate(chdf5_p_file_access())
    guard fapl >= 0 else {
      throw HDF5Error(
        file: path, object: nil, kind: .operationFailed("H5Pcreate"),
        detail: HDF5Runtime.errorDetail())
    }
    defer { _ = H5Pclose(fapl) }
    _ = H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG)
    let fileID = body(fapl)
    // The error is built before the plist closes: H5Pclose clears HDF5's error stack.
    if fileID < 0 {
      throw HDF5Error(file: path, object: nil, kind: kind, detail: HDF5Runtime.errorDetail())
    }
    return fileID
  }
}
