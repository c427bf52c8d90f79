import Layers
import TensorCore

/// Any model the CLI can build by name: a backbone (`densenet121`, `inception_v3-dilated`,
/// ...) or the CAN model (`can` on Inception-V3, `can:<backbone>` on another backbone).
public enum ModelArchitecture: Sendable, Hashable, CustomStringConvertible {
  /// A bare backbone; its output is the last feature map.
  case backbone(BackboneSpec)
  /// The CAN model with its default configuration on a backbone.
  case can(CANConfig)

  /// Parses `densenet121-w0.25`, `can` or `can:densenet121`.
  ///
  /// - Throws: `ModelError.unknownArchitecture`.
  public init(parsing name: String) throws {
    if name == "can" {
      self = .can(CANConfig(backbone: BackboneSpec(family: .inceptionV3)))
    } else if name.hasPrefix("can:") {
      self = .can(CANConfig(backbone: try BackboneSpec(parsing: String(name.dropFirst(4)))))
    } else {
      self = .backbone(try BackboneSpec(parsing: name))
    }
  }

  public var description: String {
    switch self {
    case .backbone(let spec): return spec.description
    case .can(let config):
      return config.backbone == BackboneSpec(family: .inceptionV3)
        ? "can" : "can:\(config.backbone)"
    }
  }

  /// A built model: its slabs and an eval-mode forward.
  public struct Instance: Sendable {
    /// The parameters and buffers.
    public let slabs: ModelSlabs
    let run: @Sendable (Tensor) -> (features: Tensor, readouts: [Readout: Tensor])

    /// x (N, H, W, 3) -> the last feature map (N, h, w, C) and, for CAN, every readout.
    public func inference(_ x: Tensor) -> (features: Tensor, readouts: [Readout: Tensor]) {
      run(x)
    }
  }

  /// Builds the model with fresh (torchvision-scheme) initial weights.
  public func instantiate(seed: UInt64 = 0) -> Instance {
    let slabs = ModelSlabs()
    var stream = RandomStream(seed: seed, name: "init")
    switch self {
    case .backbone(let spec):
      let backbone = Backbone(spec, slabs)
      backbone.initialize(slabs, using: &stream)
      return Instance(slabs: slabs) { x in
        (backbone.features.forward(x, mode: .inference, slabs).output, [:])
      }
    case .can(let config):
      let model = CANModel(config, slabs)
      model.initialize(slabs, using: &stream)
      return Instance(slabs: slabs) { x in
        let (output, _) = model.forward(x, mode: .inference, slabs)
        return (output.features, output.readouts)
      }
    }
  }
}
