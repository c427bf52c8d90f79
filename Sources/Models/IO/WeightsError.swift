import TensorCore

/// A weights file that does not fit the model it is loaded into.
public struct WeightsError: Error, Equatable, CustomStringConvertible {
  /// A tensor whose stored shape differs from the model's.
  public struct ShapeMismatch: Equatable, Sendable {
    /// The tensor's name in the model.
    public var name: String
    /// The model's shape and the file's.
    public var expected: Shape
    public var found: Shape
  }

  /// The file.
  public var file: String
  /// Model tensors the file lacks.
  public var missing: [String]
  /// File tensors the model lacks.
  public var unexpected: [String]
  /// Tensors present in both with different shapes.
  public var wrongShape: [ShapeMismatch]

  public var description: String {
    var lines = ["weights file \(file) does not fit the model:"]
    if !missing.isEmpty {
      lines.append("  missing (\(missing.count)): " + missing.joined(separator: ", "))
    }
    if !unexpected.isEmpty {
      lines.append("  unexpected (\(unexpected.count)): " + unexpected.joined(separator: ", "))
    }
    for m in wrongShape {
      lines.append("  wrong shape: \(m.name) is \(m.expected) in the model, \(m.found) in the file")
    }
    return lines.joined(separator: "\n")
  }
}
