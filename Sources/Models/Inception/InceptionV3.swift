import Layers
import TensorCore

/// Inception-V3's feature extractor with torchvision's topology and names: the stem
/// (Conv2d_1a_3x3 ... maxpool2) and Mixed_5b ... Mixed_7c, optionally with the auxiliary
/// head's parameters registered between Mixed_6e and Mixed_7a, as in torchvision's state_dict.
///
/// x: (N, H, W, 3) -> F: (N, h, w, 2048 * width); h = H/32 roughly (H/16 dilated).
enum InceptionV3Builder {
  /// The feature extractor, and the auxiliary head's convolutions when `auxiliary` is set
  /// (their global pool and `fc` are the caller's). Names are `<prefix>Conv2d_1a_3x3...`.
  static func features(
    _ config: InceptionConfig, prefix p: String, auxiliary: Bool, _ slabs: ModelSlabs
  ) -> (features: Sequential, auxiliary: AnyBlock?) {
    var b = InceptionBuilder(slabs: slabs, width: config.width)
    var blocks: [AnyBlock] = [
      b.conv("\(p)Conv2d_1a_3x3", 3, 32, kernel: 3, stride: 2),
      b.conv("\(p)Conv2d_2a_3x3", 32, 32, kernel: 3),
      b.conv("\(p)Conv2d_2b_3x3", 32, 64, kernel: 3, padding: 1),
      AnyBlock(MaxPoolBlock(kernelSize: 3, stride: 2)),
      b.conv("\(p)Conv2d_3b_1x1", 64, 80, kernel: 1),
      b.conv("\(p)Conv2d_4a_3x3", 80, 192, kernel: 3),
      AnyBlock(MaxPoolBlock(kernelSize: 3, stride: 2)),
      b.inceptionA("\(p)Mixed_5b", 192, poolFeatures: 32),
      b.inceptionA("\(p)Mixed_5c", 256, poolFeatures: 64),
      b.inceptionA("\(p)Mixed_5d", 288, poolFeatures: 64),
      b.inceptionB("\(p)Mixed_6a", 288),
      b.inceptionC("\(p)Mixed_6b", 768, c7: 128),
      b.inceptionC("\(p)Mixed_6c", 768, c7: 160),
      b.inceptionC("\(p)Mixed_6d", 768, c7: 160),
      b.inceptionC("\(p)Mixed_6e", 768, c7: 192),
    ]
    let aux = auxiliary ? b.auxiliary("\(p)AuxLogits", 768) : nil
    blocks.append(b.inceptionD("\(p)Mixed_7a", 768, stride: config.dilated ? 1 : 2))
    b.dilation = config.dilated ? 2 : 1
    blocks.append(b.inceptionE("\(p)Mixed_7b", 1280))
    blocks.append(b.inceptionE("\(p)Mixed_7c", 2048))
    return (Sequential(blocks), aux)
  }

  /// torchvision's Inception3 initialization over parameters `range` of the slab: conv and
  /// linear weights `trunc_normal_(std, a=-2, b=2)` with std 0.1 (0.01 for
  /// `AuxLogits.conv1`, 0.001 for `AuxLogits.fc`), batch norms 1 and 0, linear biases
  /// PyTorch's default uniform ±1/sqrt(fan_in).
  static func initialize(
    _ slabs: ModelSlabs, range: Range<Int>, using stream: inout RandomStream
  ) {
    let p = slabs.parameters
    for index in range {
      let entry = p.entries[index]
      guard let id = p.id(of: entry.name) else { continue }
      let values = p.values(id)
      let rank = entry.shape.rank
      if rank == 4 || rank == 2 {
        var std: Float = 0.1
        if entry.name.hasSuffix("AuxLogits.conv1.conv.weight") { std = 0.01 }
        if entry.name.hasSuffix("AuxLogits.fc.weight") { std = 0.001 }
        for i in 0..<values.count {
          var v = std * stream.nextNormal()
          while v < -2 || v > 2 { v = std * stream.nextNormal() }
          values[i] = v
        }
      } else if let fanIn = Initialization.linearFanIn(ofBias: entry.name, p) {
        let bound = 1 / Float(fanIn).squareRoot()
        for i in 0..<values.count { values[i] = stream.nextUniform(-bound, bound) }
      } else if entry.name.hasSuffix(".weight") {
        values.update(repeating: 1)
      } else {
        values.update(repeating: 0)
      }
    }
  }
}
