/// The shape of an Inception-V3: torchvision's `Inception3` (transform_input False), with a
/// width multiplier for the fast profiles and the dilated variant of the parsing stream.
public struct InceptionConfig: Sendable, Hashable, Codable {
  /// The factor applied to every channel count (1 for torchvision's network).
  public var width: WidthScale
  /// Whether `Mixed_7a` keeps stride 1 (its stride-2 3x3 convolutions and max pool become
  /// stride 1 with padding 1) and `Mixed_7b`, `Mixed_7c` dilate their convolutions by 2: the
  /// parsing stream's halved output stride.
  public var dilated: Bool

  /// An Inception-V3 configuration; the defaults are torchvision's inception_v3.
  public init(width: WidthScale = .full, dilated: Bool = false) {
    self.width = width
    self.dilated = dilated
  }

  /// torchvision's inception_v3.
  public static let inceptionV3 = InceptionConfig()

  /// The channels of the last feature map (`Mixed_7c`): 2048 at full width.
  public var outputChannels: Int { width.channels(2048) }
}
