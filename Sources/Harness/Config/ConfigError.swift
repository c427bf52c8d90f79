/// A problem in the experiment registry or in a command-line override, located by file, line
/// and key path.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
  /// The file the problem is in (or `--set` for an override), relative to the working folder.
  public var file: String
  /// The 1-based line, when known.
  public var line: Int?
  /// The dotted key path, for example `train.optimizer.lr`.
  public var keyPath: String
  /// What is wrong and what was expected.
  public var message: String

  /// A located configuration error.
  public init(file: String, line: Int? = nil, keyPath: String, message: String) {
    self.file = file
    self.line = line
    self.keyPath = keyPath
    self.message = message
  }

  public var description: String {
    let location = line.map { "\(file):\($0)" } ?? file
    return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
  }
}
