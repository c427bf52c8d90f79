import Layers
import TensorCore

/// DenseNet's `features` with torchvision's topology and names: conv0, norm0, relu0, pool0,
/// denseblock1, transition1, ..., denseblock4, norm5, and the final ReLU that torchvision's
/// `DenseNet.forward` applies.
///
/// x: (N, H, W, 3) -> F: (N, H/32, W/32, C) (H/16, W/16 dilated); C = 1024 for DenseNet-121.
enum DenseNetBuilder {
  /// The feature extractor; parameters are named `<prefix>features.…`.
  static func features(_ config: DenseNetConfig, prefix: String, _ slabs: ModelSlabs)
    -> Sequential
  {
    let f = "\(prefix)features"
    var blocks: [AnyBlock] = [
      AnyBlock(
        ConvBlock(
          "\(f).conv0", slabs, inputChannels: 3, outputChannels: config.initialFeatures,
          kernel: (7, 7), stride: (2, 2), padding: (3, 3))),
      AnyBlock(
        BatchNormBlock("\(f).norm0", slabs, channels: config.initialFeatures, relu: true)),
      AnyBlock(MaxPoolBlock(kernelSize: 3, stride: 2, padding: 1)),
    ]
    var channels = config.initialFeatures
    for (i, layerCount) in config.blockLayers.enumerated() {
      let last = i + 1 == config.blockLayers.count
      let block = DenseBlock(
        "\(f).denseblock\(i + 1)", slabs, layerCount: layerCount, inputChannels: channels,
        growthRate: config.growthRate, bottleneckMultiplier: config.bottleneckMultiplier,
        dilation: last && config.dilated ? 2 : 1)
      blocks.append(AnyBlock(block))
      channels = block.outputChannels
      if last { break }
      let t = "\(f).transition\(i + 1)"
      let beforeLast = i + 2 == config.blockLayers.count
      blocks += [
        AnyBlock(BatchNormBlock("\(t).norm", slabs, channels: channels, relu: true)),
        AnyBlock(
          ConvBlock(
            "\(t).conv", slabs, inputChannels: channels, outputChannels: channels / 2,
            kernel: (1, 1))),
        beforeLast && config.dilated
          ? AnyBlock(IdentityBlock()) : AnyBlock(AvgPoolBlock(kernelSize: 2, stride: 2)),
      ]
      channels /= 2
    }
    blocks.append(AnyBlock(BatchNormBlock("\(f).norm5", slabs, channels: channels, relu: true)))
    return Sequential(blocks)
  }

  /// torchvision's DenseNet initialization over parameters `range` of the slab: convolutions
  /// `kaiming_normal_` (fan_in, gain sqrt 2), batch norms 1 and 0, linear weights PyTorch's
  /// default uniform and linear biases 0.
  static func initialize(
    _ slabs: ModelSlabs, range: Range<Int>, using stream: inout RandomStream
  ) {
    let p = slabs.parameters
    for index in range {
      let entry = p.entries[index]
      guard let id = p.id(of: entry.name) else { continue }
      let values = p.values(id)
      let dims = entry.shape.dims
      if dims.count == 4 {
        let std = (2 / Float(dims[1] * dims[2] * dims[3])).squareRoot()
        for i in 0..<values.count { values[i] = std * stream.nextNormal() }
      } else if dims.count == 2 {
        let bound = 1 / Float(dims[1]).squareRoot()
        for i in 0..<values.count { values[i] = stream.nextUniform(-bound, bound) }
      } else if entry.name.hasSuffix(".weight") {
        values.update(repeating: 1)
      } else {
        values.update(repeating: 0)
      }
    }
  }
}
