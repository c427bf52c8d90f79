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

  /// LIP's 20 labels (background and 19 parts).
  public static let lipClasses = 20

  /// Builds the stream on `spec` made dilated.
  public init(
    _ spec: BackboneSpec, prefix: String, _ slabs: ModelSlabs, asppChannels: Int,
    classes: Int = ParsingStream.lipClasses
  ) {
    var dilated = spec
    dilated.dilated = true
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
  }
}
