/// The shape of a DenseNet: torchvision's `DenseNet(growth_rate, block_config,
/// num_init_features, bn_size)`, plus the dilated variant of the parsing stream.
public struct DenseNetConfig: Sendable, Hashable, Codable {
  /// Channels each dense layer adds (torchvision `growth_rate`).
  public var growthRate: Int
  /// Dense layers per block (torchvision `block_config`).
  public var blockLayers: [Int]
  /// Channels of the stem convolution (torchvision `num_init_features`).
  public var initialFeatures: Int
  /// Bottleneck width in units of the growth rate (torchvision `bn_size`).
  public var bottleneckMultiplier: Int
  /// Whether the last transition keeps stride 1 (its 2x2 average pool removed) and the last
  /// block's 3x3 convolutions are dilated by 2: the parsing stream's output stride 16.
  public var dilated: Bool

  /// A DenseNet configuration; the defaults are DenseNet-121.
  public init(
    growthRate: Int = 32, blockLayers: [Int] = [6, 12, 24, 16], initialFeatures: Int = 64,
    bottleneckMultiplier: Int = 4, dilated: Bool = false
  ) {
    self.growthRate = growthRate
    self.blockLayers = blockLayers
    self.initialFeatures = initialFeatures
    self.bottleneckMultiplier = bottleneckMultiplier
    self.dilated = dilated
  }

  /// torchvision's densenet121.
  public static let densenet121 = DenseNetConfig()

  /// The same network with widths (growth rate, stem) times `width` and every block's layer
  /// count times `depth` (rounded, at least 1).
  public func scaled(width: Double, depth: Double) -> DenseNetConfig {
    var result = self
    let scale = WidthScale(width)
    result.growthRate = scale.channels(growthRate)
    result.initialFeatures = scale.channels(initialFeatures)
    result.blockLayers = blockLayers.map { max(1, Int((Double($0) * depth).rounded())) }
    return result
  }

  /// The channels of the last feature map (after norm5).
  public var outputChannels: Int {
    var channels = initialFeatures
    for (i, layers) in blockLayers.enumerated() {
      channels += layers * growthRate
      if i + 1 < blockLayers.count { channels /= 2 }
    }
    return channels
  }
}
