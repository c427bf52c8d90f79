import Checkpoint
import TensorCore

/// Model weights as HDF5: `/params/<name>` and `/buffers/<name>`, float32, in PyTorch's
/// layouts (conv (Cout, Cin, kh, kw), linear (out, in)) under torchvision's names, with root
/// attributes `format`, `version`, `layout` and `architecture`. Readable by h5py.
public enum WeightsFile {
  /// The `format` attribute of every weights file.
  public static let format = "can-reid-weights"
  /// The format version.
  public static let version: Int64 = 1
  /// The `layout` attribute: what a reader needs to interpret the tensors.
  public static let layout = "pytorch: conv (Cout, Cin, kh, kw), linear (out, in), float32"

  /// What a load did: the tensors it set, and (partial loads) what it skipped.
  public struct LoadReport: Sendable, Equatable {
    /// Tensors set from the file.
    public var loaded: Int
    /// Model tensors left as they were.
    public var missing: [String]
    /// File tensors not used.
    public var unexpected: [String]
  }

  /// Writes every parameter and buffer of `slabs` to `path` atomically.
  public static func save(_ slabs: ModelSlabs, architecture: String, to path: String) throws {
    try HDF5File.writeAtomically(to: path) { file in
      try file.setAttribute("format", format)
      try file.setAttribute("version", version)
      try file.setAttribute("layout", layout)
      try file.setAttribute("architecture", architecture)
      for (group, slab) in [("params", slabs.parameters), ("buffers", slabs.buffers)] {
        _ = try file.createGroup(group)
        for entry in slab.entries {
          guard let id = slab.id(of: entry.name) else { continue }
          try file.write(
            UnsafeBufferPointer(slab.values(id)), shape: entry.shape, to: "\(group)/\(entry.name)")
        }
      }
    }
  }

  /// Loads `path` into the tensors of `slabs` whose names start with `prefix` (a file name
  /// `n` sets the model tensor `prefix + n`).
  ///
  /// - Parameter partial: accept missing and unexpected tensors (they are reported); a
  ///   wrongly shaped tensor is always an error.
  /// - Throws: `WeightsError` listing every missing, unexpected and wrongly shaped tensor,
  ///   before anything is changed; `HDF5Error` for an unreadable file.
  @discardableResult
  public static func load(
    _ slabs: ModelSlabs, from path: String, prefix: String = "", partial: Bool = false
  ) throws -> LoadReport {
    let file = try HDF5File.open(path)
    var missing: [String] = []
    var unexpected: [String] = []
    var wrongShape: [WeightsError.ShapeMismatch] = []
    var plan: [(ParameterSlab, ParameterID, String)] = []
    for (group, slab) in [("params", slabs.parameters), ("buffers", slabs.buffers)] {
      let stored =
        try file.exists(group)
        ? Set(try file.openGroup(group).members().map(\.name)) : Set<String>()
      var used = Set<String>()
      for entry in slab.entries where entry.name.hasPrefix(prefix) {
        let name = String(entry.name.dropFirst(prefix.count))
        guard stored.contains(name), let id = slab.id(of: entry.name) else {
          missing.append(entry.name)
          continue
        }
        used.insert(name)
        let shape = try file.openDataset("\(group)/\(name)").shape
        if shape != entry.shape {
          wrongShape.append(.init(name: entry.name, expected: entry.shape, found: shape))
        } else {
          plan.append((slab, id, "\(group)/\(name)"))
        }
      }
      unexpected += stored.subtracting(used).sorted().map { "\(group)/\($0)" }
    }
    if !wrongShape.isEmpty || (!partial && !(missing.isEmpty && unexpected.isEmpty)) {
      throw WeightsError(
        file: path, missing: missing, unexpected: unexpected, wrongShape: wrongShape)
    }
    for (slab, id, name) in plan {
      slab.setValue(id, try file.readTensor(name))
    }
    return LoadReport(loaded: plan.count, missing: missing, unexpected: unexpected)
  }

  /// The `architecture` attribute of a weights file.
  public static func architecture(of path: String) throws -> String {
    try HDF5File.open(path).stringAttribute("architecture")
  }
}
