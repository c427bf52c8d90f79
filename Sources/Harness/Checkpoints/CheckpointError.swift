/// A checkpoint that cannot be used, naming the file and what is wrong.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
  /// The checkpoint file.
  public var file: String
  /// What is wrong.
  public var message: String

  /// An error about `file`.
  public init(file: String, message: String) {
    self.file = file
    self.message = message
  }

  public var description: String { "\(file): \(message)" }
}
