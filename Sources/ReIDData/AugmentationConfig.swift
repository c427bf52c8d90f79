/// Which augmentation steps run, and their parameters (the fast-reid training pipeline).
///
/// Order: resize to `height` x `width` (bilinear) → horizontal flip → pad by `padding` and
/// crop back at a random offset → ImageNet normalization → random erasing. Label maps follow
/// every geometric step (nearest resize, same flip and crop, padding with background 0).
public struct AugmentationConfig: Sendable, Codable, Equatable {
  /// Output height.
  public var height: Int
  /// Output width.
  public var width: Int
  /// Probability of a horizontal flip (0 disables).
  public var flipProbability: Float
  /// Zero padding on each side before a random crop back to `height` x `width` (0 disables).
  public var padding: Int
  /// Probability of random erasing (0 disables).
  public var erasingProbability: Float
  /// Erased area as a fraction of the image: lower and upper bound.
  public var erasingScale: [Float]
  /// Erased aspect ratio (height / width): lower and upper bound, drawn log-uniformly.
  public var erasingRatio: [Float]
  /// Divide by 255, subtract `mean`, divide by `std` (per RGB channel).
  public var normalize: Bool
  /// Per-channel mean (ImageNet by default).
  public var mean: [Float]
  /// Per-channel standard deviation (ImageNet by default).
  public var std: [Float]

  /// ImageNet channel statistics as torchvision uses them.
  public static let imageNetMean: [Float] = [0.485, 0.456, 0.406]
  /// ImageNet channel standard deviations.
  public static let imageNetStd: [Float] = [0.229, 0.224, 0.225]

  /// A training pipeline at the given size: flip 0.5, padding 10, erasing 0.5 with
  /// torchvision's scale (0.02, 0.33) and ratio (0.3, 3.3), ImageNet normalization.
  public static func training(height: Int, width: Int) -> AugmentationConfig {
    AugmentationConfig(
      height: height, width: width, flipProbability: 0.5, padding: 10, erasingProbability: 0.5,
      erasingScale: [0.02, 0.33], erasingRatio: [0.3, 3.3], normalize: true,
      mean: imageNetMean, std: imageNetStd)
  }

  /// The evaluation pipeline: resize and normalize only (no randomness).
  public static func evaluation(height: Int, width: Int) -> AugmentationConfig {
    var config = training(height: height, width: width)
    config.flipProbability = 0
    config.padding = 0
    config.erasingProbability = 0
    return config
  }

  /// A pipeline with every step given explicitly.
  public init(
    height: Int, width: Int, flipProbability: Float, padding: Int, erasingProbability: Float,
    erasingScale: [Float], erasingRatio: [Float], normalize: Bool, mean: [Float], std: [Float]
  ) {
    self.height = height
    self.width = width
    self.flipProbability = flipProbability
    self.padding = padding
    self.erasingProbability = erasingProbability
    self.erasingScale = erasingScale
    self.erasingRatio = erasingRatio
    self.normalize = normalize
    self.mean = mean
    self.std = std
  }
}
