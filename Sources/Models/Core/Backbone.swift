import Layers
import TensorCore

/// A backbone family with torchvision's topology.
public enum BackboneFamily: String, Sendable, Hashable, Codable, CaseIterable {
  /// torchvision's densenet121 (features 1024 channels).
  case densenet121
  /// torchvision's inception_v3 (features 2048 channels).
  case inceptionV3 = "inception_v3"

  /// The smallest input height and width every pooling window fits in (torchvision states
  /// 75 x 75 for Inception-V3; DenseNet121 reduces by 32), for the plain and dilated variants
  /// at any width or depth.
  public var smallestInput: Int {
    switch self {
    case .densenet121: return 32
    case .inceptionV3: return 75
    }
  }
}

/// A backbone architecture: family, dilation, width and depth multipliers.
///
/// Its name is `<family>[-dilated][-w<width>][-d<depth>]`, for example `densenet121`,
/// `inception_v3-dilated` or `densenet121-w0.25-d0.5`. Depth applies to DenseNet's block
/// lengths only.
public struct BackboneSpec: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The family.
  public var family: BackboneFamily
  /// The parsing stream's variant with a stride-1 last grid reduction and dilation 2 after it.
  public var dilated: Bool
  /// The channel multiplier (1 for torchvision's widths).
  public var width: Double
  /// The block-length multiplier (DenseNet only; 1 for torchvision's depth).
  public var depth: Double

  /// A spec; the defaults give torchvision's network.
  public init(family: BackboneFamily, dilated: Bool = false, width: Double = 1, depth: Double = 1) {
    self.family = family
    self.dilated = dilated
    self.width = width
    self.depth = depth
  }

  /// Parses a name such as `inception_v3-dilated-w0.25`.
  ///
  /// - Throws: `ModelError.unknownArchitecture` naming the accepted forms.
  public init(parsing name: String) throws {
    let parts = name.split(separator: "-").map(String.init)
    guard let first = parts.first, let family = BackboneFamily(rawValue: first) else {
      throw ModelError.unknownArchitecture(name)
    }
    self.init(family: family)
    for part in parts.dropFirst() {
      if part == "dilated" {
        dilated = true
      } else if part.hasPrefix("w"), let w = Double(part.dropFirst()), w > 0 {
        width = w
      } else if part.hasPrefix("d"), let d = Double(part.dropFirst()), d > 0,
        family == .densenet121
      {
        depth = d
      } else {
        throw ModelError.unknownArchitecture(name)
      }
    }
  }

  /// The canonical name, which `init(parsing:)` accepts.
  public var description: String {
    var name = family.rawValue
    if dilated { name += "-dilated" }
    if width != 1 { name += "-w\(width)" }
    if depth != 1 { name += "-d\(depth)" }
    return name
  }

  /// The channels of the last feature map.
  public var outputChannels: Int {
    switch family {
    case .densenet121: return densenetConfig.outputChannels
    case .inceptionV3: return inceptionConfig.outputChannels
    }
  }

  var densenetConfig: DenseNetConfig {
    var c = DenseNetConfig.densenet121.scaled(width: width, depth: depth)
    c.dilated = dilated
    return c
  }

  var inceptionConfig: InceptionConfig {
    InceptionConfig(width: WidthScale(width), dilated: dilated)
  }
}

/// A backbone built into a model's slabs: the feature extractor and, for counting and
/// weight conversion, torchvision's classifier and Inception's auxiliary head.
///
/// x: (N, H, W, 3), RGB normalized -> F: (N, h, w, C), the last feature map.
public struct Backbone: Sendable {
  /// The architecture.
  public let spec: BackboneSpec
  /// The feature extractor.
  public let features: Sequential
  /// The ImageNet classifier (`classifier` for DenseNet, `fc` for Inception), if built.
  public let classifier: Linear?
  /// Inception's auxiliary head (convolutions, then global pool and `AuxLogits.fc`), if built.
  public let auxiliary: (convolutions: AnyBlock, fc: Linear)?
  /// The slab indices of this backbone's parameters.
  public let parameterRange: Range<Int>

  /// Builds the backbone's blocks and registers its parameters as `<prefix><torchvision
  /// name>`. `classes` adds the ImageNet classifier; `auxiliaryHead` Inception's AuxLogits.
  public init(
    _ spec: BackboneSpec, prefix: String = "", _ slabs: ModelSlabs, classes: Int? = nil,
    auxiliaryHead: Bool = false
  ) {
    self.spec = spec
    let start = slabs.parameters.entries.count
    let channels = spec.outputChannels
    switch spec.family {
    case .densenet121:
      features = DenseNetBuilder.features(spec.densenetConfig, prefix: prefix, slabs)
      classifier = classes.map {
        Linear(
          "\(prefix)classifier", in: slabs.parameters, inputFeatures: channels, outputFeatures: $0)
      }
      auxiliary = nil
    case .inceptionV3:
      let built = InceptionV3Builder.features(
        spec.inceptionConfig, prefix: prefix, auxiliary: auxiliaryHead, slabs)
      features = built.features
      auxiliary = built.auxiliary.map { convolutions in
        let fc = Linear(
          "\(prefix)AuxLogits.fc", in: slabs.parameters,
          inputFeatures: spec.inceptionConfig.width.channels(768),
          outputFeatures: classes ?? 1000)
        return (convolutions, fc)
      }
      classifier = classes.map {
        Linear("\(prefix)fc", in: slabs.parameters, inputFeatures: channels, outputFeatures: $0)
      }
    }
    parameterRange = start..<slabs.parameters.entries.count
  }

  /// The channels C of the last feature map.
  public var outputChannels: Int { spec.outputChannels }

  /// Draws this backbone's parameters with torchvision's initialization scheme.
  public func initialize(_ slabs: ModelSlabs, using stream: inout RandomStream) {
    switch spec.family {
    case .densenet121:
      DenseNetBuilder.initialize(slabs, range: parameterRange, using: &stream)
    case .inceptionV3:
      InceptionV3Builder.initialize(slabs, range: parameterRange, using: &stream)
    }
  }
}
