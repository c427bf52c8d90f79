import CHDF5

/// An open object in an HDF5 file: a group (the file itself is its root group) or a dataset.
///
/// Objects keep their file open. Closing the file closes them too; they then throw
/// `HDF5Error.Kind.closed`.
public class HDF5Object {
  let context: FileContext
  let id: hid_t
  private let ownsID: Bool
  private var isObjectOpen = true

  /// The absolute path of the object inside the file, such as `/params/conv.weight`.
  public let path: String

  init(context: FileContext, id: hid_t, path: String, ownsID: Bool = true) {
    self.context = context
    self.id = id
    self.path = path
    self.ownsID = ownsID
  }

  /// The path of the file holding the object, as given when opening it.
  public var filePath: String { context.path }

  /// Whether the object (and its file) are still open.
  public var isOpen: Bool { isObjectOpen && context.isOpen }

  /// Closes the object; later calls on it throw `.closed`. Closing twice does nothing.
  public func close() throws {
    guard isObjectOpen else { return }
    isObjectOpen = false
    if ownsID && context.isOpen && H5Oclose(id) < 0 {
      throw failure(.operationFailed("close"))
    }
  }

  /// Prepares the calling thread for HDF5 calls and checks that the object is open.
  func ensureOpen() throws {
    HDF5Runtime.prepare()
    guard isOpen else { throw HDF5Error(file: context.path, object: path, kind: .closed) }
  }

  /// Checks, in addition to `ensureOpen()`, that the file is writable.
  func ensureWritable() throws {
    try ensureOpen()
    guard context.writable else {
      throw HDF5Error(file: context.path, object: path, kind: .readOnly)
    }
  }

  /// An error about this object, or about `member` below it.
  func failure(_ kind: HDF5Error.Kind, member: String? = nil) -> HDF5Error {
    context.error(member.map { HDF5Runtime.join(path, $0) } ?? path, kind)
  }

  deinit {
    if ownsID && isObjectOpen && context.isOpen { _ = H5Oclose(id) }
  }
}
