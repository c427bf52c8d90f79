import TensorCore

/// Helpers shared by the torchvision initialization schemes.
enum Initialization {
  /// The input features of the linear layer whose bias is called `name`, or nil when `name`
  /// is not the bias of a rank-2 weight.
  static func linearFanIn(ofBias name: String, _ slab: ParameterSlab) -> Int? {
    guard name.hasSuffix(".bias") else { return nil }
    let weight = String(name.dropLast(".bias".count)) + ".weight"
    guard let id = slab.id(of: weight), slab.entry(id).shape.rank == 2 else { return nil }
    return slab.entry(id).shape[1]
  }
}
