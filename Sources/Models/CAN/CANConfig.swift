/// How the part readouts S1..S5 pool an attended part map.
public enum PartPooling: String, Sendable, Hashable, Codable {
  /// Global average pooling.
  case average
  /// Global max pooling.
  case max
  /// The mask-weighted mean (SPReID): sum over pixels of the attended part map, divided by
  /// the sum of the part's mask (plus 1e-6 of the pixel count, so an absent part stays
  /// finite).
  case maskAverage = "mask_average"
}

/// The CAN model's choices (DESIGN.md section 2); paper ambiguities are settled here.
public struct CANConfig: Sendable, Hashable, Codable {
  /// The appearance backbone; the parsing stream uses the same family and widths, dilated.
  public var backbone: BackboneSpec
  /// ASPP's channels (DeepLab-v3's 256).
  public var asppChannels: Int
  /// Whether the pixel-level (HA-CNN) attention is applied; false gives CANpt.
  public var pixelAttention: Bool
  /// Whether BN + ReLU precede the attention's sigmoid. Default true, as torchreid's HA-CNN
  /// (which bounds the attention to [0.5, 1), so it can only damp features by half).
  public var preSigmoidNorm: Bool
  /// Whether the five parts share one attention block (default: one block per part).
  public var sharedAttention: Bool
  /// The channel stream's squeeze factor (16).
  public var attentionReduction: Int
  /// Pooling of the S1..S5 readouts (CAN's own parts are fixed: max over S2..S5, average of
  /// S1).
  public var partPooling: PartPooling
  /// Whether the parsing stream is trained with the re-ID loss (false: it runs in inference
  /// mode and receives no gradient).
  public var parsingTrainable: Bool

  /// A configuration; the defaults are the paper's model.
  public init(
    backbone: BackboneSpec, asppChannels: Int = 256, pixelAttention: Bool = true,
    preSigmoidNorm: Bool = true, sharedAttention: Bool = false, attentionReduction: Int = 16,
    partPooling: PartPooling = .average, parsingTrainable: Bool = false
  ) {
    self.backbone = backbone
    self.asppChannels = asppChannels
    self.pixelAttention = pixelAttention
    self.preSigmoidNorm = preSigmoidNorm
    self.sharedAttention = sharedAttention
    self.attentionReduction = attentionReduction
    self.partPooling = partPooling
    self.parsingTrainable = parsingTrainable
  }
}

/// A descriptor the tables compare, read out of one CAN forward pass.
public enum Readout: String, Sendable, Hashable, Codable, CaseIterable {
  /// Pooled attended part features: foreground, head, upper body, legs, feet (C each).
  case s1, s2, s3, s4, s5
  /// Global average pool of the appearance map (C).
  case s6
  /// [S6, max over the attended parts 2..5 of their global max pools, GAP(attended S1)] (3C).
  case can
  /// [S6, S1, ..., S5] (6C).
  case can6 = "can-6"
  /// CAN computed from the part maps without the pixel-level attention (3C).
  case canpt
  /// S6 alone (C).
  case baseline

  /// The descriptor's width in units of C.
  public var multiple: Int {
    switch self {
    case .can, .canpt: return 3
    case .can6: return 6
    default: return 1
    }
  }
}
