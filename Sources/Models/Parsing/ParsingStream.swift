import Layers
import TensorCore

/// The parsing stream: the dilated backbone, ASPP and a 1x1 classifier to the LIP classes.
///
/// x: (N, H, W, 3) -> logits: (N, h, w, classes), h = H/16 roughly. Names: `<prefix>backbone.`
/// + torchvision's, `<prefix>aspp.…`, `<prefix>classifier.weight` and `.bias`.
public struct ParsingStream: Sendable {
  /// The dilated backbone.
  public let backbone: Backbone
  /// ASPP then the classifier, on the backbone's features.
  public let head: Sequential
  /// The whole stream as one block.
  public let network: Sequential
  /// The stream's parameters in the slab: the backbone's, then the head's.
  public let parameterRange: Range<Int>

  /// LIP's 20 labels (background and 19 parts).
  public static let lipClasses = 20

  /// Builds the stream on `spec` made dilated.
  public init(
    _ spec: BackboneSpec, prefix: String, _ slabs: ModelSlabs, asppChannels: Int,
    classes: Int = ParsingStream.lipClasses
  ) {
    var dilated = spec
    dilated.dilated = true
    let start = slabs.parameters.entries.count
    backbone = Backbone(dilated, prefix: "\(prefix)backbone.", slabs)
    head = Sequential(
      AnyBlock(
        ASPP.make(
          "\(prefix)aspp", slabs, inputChannels: backbone.outputChannels, channels: asppChannels)),
      AnyBlock(
        ConvBlock(
          "\(prefix)classifier", slabs, inputChannels: asppChannels, outputChannels: classes,
          kernel: (1, 1), bias: true)))
    network = Sequential(AnyBlock(backbone.features), AnyBlock(head))
    parameterRange = start..<slabs.parameters.entries.count
  }

  /// Draws every parameter: the backbone with its torchvision scheme, then ASPP and the
  /// classifier with kaiming-normal convolutions, BN 1 and 0, biases 0. (A head left at the
  /// slab's zeros never learns: zero ASPP weights give zero features, so the classifier's
  /// weights get no gradient and the stream only learns the class priors through its bias.)
  public func initialize(_ slabs: ModelSlabs, using stream: inout RandomStream) {
    backbone.initialize(slabs, using: &stream)
    DenseNetBuilder.initialize(
      slabs, range: backbone.parameterRange.upperBound..<parameterRange.upperBound,
      using: &stream)
  }
}
