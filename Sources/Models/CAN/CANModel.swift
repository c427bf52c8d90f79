import Layers
import TensorCore

/// The Cascade Attention Network: appearance stream, parsing stream, part-level masks,
/// pixel-level attention per part and every readout (DESIGN.md section 2).
///
/// x: (N, H, W, 3) -> F (N, h, w, C), parsing logits (N, h', w', 20), masks (N, h, w, 5) and
/// the readouts (N, multiple * C). Names: `appearance.<torchvision>`, `parsing.backbone.<
/// torchvision>`, `parsing.aspp.…`, `parsing.classifier.…`, `attention.part<k>.…` (or
/// `attention.shared.…`).
public struct CANModel: Sendable {
  /// The choices the model was built with.
  public let config: CANConfig
  /// The appearance backbone.
  public let appearance: Backbone
  /// The parsing stream.
  public let parsing: ParsingStream
  /// Pixel-level attention: five blocks, one shared block, or none.
  public let attention: [SoftAttention]
  /// The attention blocks' parameters in the slab.
  let attentionRange: Range<Int>

  /// Everything a forward pass produces.
  public struct Output: Sendable {
    /// The appearance map F (N, h, w, C).
    public var features: Tensor
    /// The parsing logits (N, h', w', 20).
    public var parsingLogits: Tensor
    /// The part masks at F's size (N, h, w, 5).
    public var masks: Tensor
    /// Every readout, (N, multiple * C).
    public var readouts: [Readout: Tensor]
  }

  /// Builds both streams and the attention blocks in `slabs`.
  public init(_ config: CANConfig, _ slabs: ModelSlabs) {
    self.config = config
    appearance = Backbone(config.backbone, prefix: "appearance.", slabs)
    parsing = ParsingStream(
      config.backbone, prefix: "parsing.", slabs, asppChannels: config.asppChannels)
    let start = slabs.parameters.entries.count
    let c = appearance.outputChannels
    let names =
      config.pixelAttention
      ? (config.sharedAttention ? ["shared"] : (1...5).map { "part\($0)" }) : []
    attention = names.map {
      SoftAttention(
        "attention.\($0)", slabs, channels: c, reduction: config.attentionReduction,
        preSigmoidNorm: config.preSigmoidNorm)
    }
    attentionRange = start..<slabs.parameters.entries.count
  }

  /// The attention block of part k (0-based).
  func attentionBlock(_ k: Int) -> SoftAttention { attention[config.sharedAttention ? 0 : k] }

  /// Draws every parameter: the streams' own schemes (`ParsingStream.initialize`), and for
  /// the attention blocks kaiming-normal convolutions, BN 1 and 0, biases 0.
  public func initialize(_ slabs: ModelSlabs, using stream: inout RandomStream) {
    appearance.initialize(slabs, using: &stream)
    parsing.initialize(slabs, using: &stream)
    DenseNetBuilder.initialize(
      slabs, range: attentionRange, using: &stream)
  }
}
