import Layers
import Models
import TensorCore

/// The network a re-ID run trains: the whole CAN model, or for the baseline only the
/// appearance backbone (the parsing stream would be computed for nothing).
///
/// Parameter names are the CAN model's either way (`appearance.…`), so weights move between
/// the two.
enum ReIDNetwork {
  case can(CANModel)
  case backbone(Backbone)

  /// What backward needs.
  enum Cache {
    case can(CANModel.Cache)
    case backbone(Sequential.Cache, features: Tensor)
  }

  /// The readout a configured descriptor name trains.
  static func readout(_ descriptor: String) throws -> Readout {
    switch descriptor {
    case "can6": return .can6
    case "baseline", "canpt", "can", "s1", "s2", "s3", "s4", "s5", "s6":
      return Readout(rawValue: descriptor) ?? .can
    default:
      throw ConfigError(
        file: ExperimentConfig.unlocated, keyPath: "model.descriptor",
        message: "'\(descriptor)' is not one of baseline, canpt, can, can6, s1...s6")
    }
  }

  /// The appearance backbone a model configuration names (DenseNet takes the depth multiplier
  /// too). The parsing stream builds its dilated variant of the same spec.
  static func backboneSpec(_ model: ModelConfig) throws -> BackboneSpec {
    guard let family = BackboneFamily(rawValue: model.backbone) else {
      throw ConfigError(
        file: ExperimentConfig.unlocated, keyPath: "model.backbone",
        message: "'\(model.backbone)' is not one of densenet121, inception_v3")
    }
    return BackboneSpec(
      family: family, dilated: model.appearanceDilated, width: Double(model.widthMultiplier),
      depth: family == .densenet121 ? Double(model.depthMultiplier) : 1)
  }

  /// ASPP's channels: DeepLab-v3's 256 scaled by the width multiplier (at least 16).
  static func asppChannels(_ model: ModelConfig) -> Int {
    max(16, Int((256 * model.widthMultiplier).rounded()))
  }

  /// The parsing stream a parsing run trains (parameter names without a prefix).
  static func parsingStream(_ model: ModelConfig, _ slabs: ModelSlabs) throws -> ParsingStream {
    ParsingStream(try backboneSpec(model), prefix: "", slabs, asppChannels: asppChannels(model))
  }

  /// The CAN configuration of a model configuration.
  static func canConfig(_ model: ModelConfig) throws -> CANConfig {
    let poolings = ["gap": PartPooling.average, "gmp": .max, "mask_average": .maskAverage]
    guard let pooling = poolings[model.partPooling] else {
      throw ConfigError(
        file: ExperimentConfig.unlocated, keyPath: "model.part_pooling",
        message: "'\(model.partPooling)' is not one of gap, gmp, mask_average")
    }
    return CANConfig(
      backbone: try backboneSpec(model),
      asppChannels: asppChannels(model),
      pixelAttention: model.descriptor != "canpt", preSigmoidNorm: model.attentionBNReLU,
      sharedAttention: model.attentionShared, partPooling: pooling,
      parsingTrainable: model.parsingTrainable)
  }

  /// Builds the network of `model` in `slabs`.
  static func make(_ model: ModelConfig, _ slabs: ModelSlabs) throws -> ReIDNetwork {
    if model.descriptor == "baseline" {
      return .backbone(Backbone(try backboneSpec(model), prefix: "appearance.", slabs))
    }
    return .can(CANModel(try canConfig(model), slabs))
  }

  /// Draws the initial weights.
  func initialize(_ slabs: ModelSlabs, using stream: inout RandomStream) {
    switch self {
    case .can(let model): model.initialize(slabs, using: &stream)
    case .backbone(let backbone): backbone.initialize(slabs, using: &stream)
    }
  }

  /// Whether the network has a parsing stream to initialize from a parsing run.
  var hasParsingStream: Bool {
    if case .can = self { return true }
    return false
  }

  /// The readouts this network can produce.
  var readouts: [Readout] {
    switch self {
    case .can: return Readout.allCases
    case .backbone: return [.baseline, .s6]
    }
  }

  /// x: (N, H, W, 3) -> every readout (N, multiple * C).
  func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> ([Readout: Tensor], Cache) {
    switch self {
    case .can(let model):
      let (output, cache) = model.forward(x, mode: mode, slabs)
      return (output.readouts, .can(cache))
    case .backbone(let backbone):
      let (f, cache) = backbone.features.forward(x, mode: mode, slabs)
      let s6 = GlobalAvgPool2D().forward(f)
      return ([.baseline: s6, .s6: s6], .backbone(cache, features: f))
    }
  }

  /// Accumulates the parameter gradients from dL/d(readout).
  func backward(
    _ gradient: Tensor, readout: Readout, input x: Tensor, cache: Cache, _ slabs: ModelSlabs
  ) {
    switch (self, cache) {
    case (.can(let model), .can(let cache)):
      model.backward([readout: gradient], input: x, cache: cache, slabs)
    case (.backbone(let backbone), .backbone(let cache, let f)):
      var dF = Tensor(shape: f.shape)
      GlobalAvgPool2D().backward(gradient, into: &dF)
      var none: Tensor? = nil
      backbone.features.backward(dF, input: x, cache: cache, into: &none, slabs)
    default:
      checkPrecondition(false, "ReIDNetwork.backward: a cache from another network")
    }
  }
}
