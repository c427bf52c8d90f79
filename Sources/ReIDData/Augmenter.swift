import Foundation
import ImageIO
import TensorCore

/// Applies an `AugmentationConfig` to one image (and its label map), drawing from a stream.
///
/// Random draws per image (`draw`), in this order and only for enabled steps: flip (one
/// uniform), crop offset (two integers), erasing (one uniform, then per attempt two uniforms
/// and two integers, at most 10 attempts as torchvision). The same stream state gives the same
/// bits.
public struct Augmenter: Sendable {
  /// The pipeline.
  public let config: AugmentationConfig

  /// LIP's left/right label pairs, swapped by a horizontal flip: arms, legs, shoes.
  public static let lipMirrorPairs: [(UInt8, UInt8)] = [(14, 15), (16, 17), (18, 19)]

  /// The label each LIP label becomes under a horizontal flip.
  public static let lipMirrorTable: [UInt8] = {
    var table = (0...255).map { UInt8($0) }
    for (a, b) in lipMirrorPairs {
      table[Int(a)] = b
      table[Int(b)] = a
    }
    return table
  }()

  /// An augmenter for `config`.
  public init(_ config: AugmentationConfig) {
    checkPrecondition(
      config.height > 0 && config.width > 0 && config.padding >= 0 && config.mean.count == 3
        && config.std.count == 3 && config.erasingScale.count == 2
        && config.erasingRatio.count == 2,
      "Augmenter: bad config \(config)")
    self.config = config
  }

  /// The random choices for one image: what `apply` does to it.
  public struct Draw: Sendable, Equatable {
    /// Mirror horizontally.
    public var flip = false
    /// The crop's offset in the zero-padded image.
    public var offsetY = 0
    public var offsetX = 0
    /// The erased rectangle (top, left, height, width) of the output, if any.
    public var erasure: (top: Int, left: Int, height: Int, width: Int)?

    public static func == (a: Draw, b: Draw) -> Bool {
      a.flip == b.flip && a.offsetY == b.offsetY && a.offsetX == b.offsetX
        && a.erasure?.top == b.erasure?.top && a.erasure?.left == b.erasure?.left
        && a.erasure?.height == b.erasure?.height && a.erasure?.width == b.erasure?.width
    }
  }

  /// Draws one image's choices from `random`. They do not depend on the image, so a process
  /// that builds part of a batch draws every image's choices and applies its own.
  public func draw(random: inout RandomStream) -> Draw {
    var draw = Draw()
    draw.flip = config.flipProbability > 0 && random.nextUniform() < config.flipProbability
    if config.padding > 0 {
      draw.offsetY = random.nextInt(below: 2 * config.padding + 1) - config.padding
      draw.offsetX = random.nextInt(below: 2 * config.padding + 1) - config.padding
    }
    if config.erasingProbability > 0 && random.nextUniform() < config.erasingProbability {
      draw.erasure = erasure(random: &random)
    }
    return draw
  }

  /// Augments `image` into `output` and `labels` into `labelOutput`, drawing its choices from
  /// `random`.
  /// image: (h, w, 3) bytes -> output: (height, width, 3) floats;
  /// labels: (h, w) -> labelOutput: (height, width). With `mirrorLabels`, a flip also swaps
  /// LIP's left/right labels.
  public func apply(
    _ image: RGBImage, labels: LabelMap? = nil, mirrorLabels: Bool = false,
    random: inout RandomStream, output: UnsafeMutablePointer<Float>,
    labelOutput: UnsafeMutablePointer<UInt8>? = nil
  ) {
    apply(
      image, labels: labels, mirrorLabels: mirrorLabels, draw: draw(random: &random),
      output: output, labelOutput: labelOutput)
  }

  /// Augments `image` (and `labels`) with the choices `draw`; layouts as `apply(random:)`.
  public func apply(
    _ image: RGBImage, labels: LabelMap? = nil, mirrorLabels: Bool = false, draw: Draw,
    output: UnsafeMutablePointer<Float>, labelOutput: UnsafeMutablePointer<UInt8>? = nil
  ) {
    let h = config.height
    let w = config.width
    let resized = ImageResize.bilinearFloat(image, width: w, height: h)
    let (flip, offsetY, offsetX) = (draw.flip, draw.offsetY, draw.offsetX)
    // One pass: out(y, x) = resized(y + offsetY, x' ) where x' is x + offsetX, mirrored when
    // flipping; outside the resized image it is the zero padding.
    var scale = [Float](repeating: 1, count: 3)
    var shift = [Float](repeating: 0, count: 3)
    if config.normalize {
      for c in 0..<3 {
        scale[c] = 1 / (255 * config.std[c])
        shift[c] = -config.mean[c] / config.std[c]
      }
    }
    resized.withUnsafeBufferPointer { src in
      for y in 0..<h {
        let sy = y + offsetY
        for x in 0..<w {
          let px = x + offsetX
          let sx = flip ? w - 1 - px : px
          let o = (y * w + x) * 3
          if sy < 0 || sy >= h || sx < 0 || sx >= w {
            for c in 0..<3 { output[o + c] = shift[c] }
          } else {
            let s = (sy * w + sx) * 3
            for c in 0..<3 { output[o + c] = src[s + c] * scale[c] + shift[c] }
          }
        }
      }
    }
    if let labels, let labelOutput {
      let map = ImageResize.nearest(labels, width: w, height: h)
      let mirror = flip && mirrorLabels
      for y in 0..<h {
        let sy = y + offsetY
        for x in 0..<w {
          let px = x + offsetX
          let sx = flip ? w - 1 - px : px
          var label: UInt8 = 0
          if sy >= 0 && sy < h && sx >= 0 && sx < w { label = map.labels[sy * w + sx] }
          labelOutput[y * w + x] = mirror ? Augmenter.lipMirrorTable[Int(label)] : label
        }
      }
    }
    if let (top, left, eh, ew) = draw.erasure {
      for y in top..<(top + eh) {
        let row = output + (y * w + left) * 3
        row.update(repeating: 0, count: ew * 3)
      }
    }
  }

  /// torchvision's RandomErasing rectangle (erased to 0, the mean color once normalized), or
  /// nil when 10 attempts find none that fits.
  func erasure(random: inout RandomStream) -> (top: Int, left: Int, height: Int, width: Int)? {
    let h = config.height
    let w = config.width
    let area = Float(h * w)
    let logLow = log(config.erasingRatio[0])
    let logHigh = log(config.erasingRatio[1])
    for _ in 0..<10 {
      let target = area * random.nextUniform(config.erasingScale[0], config.erasingScale[1])
      let aspect = exp(random.nextUniform(logLow, logHigh))
      let eh = Int((target * aspect).squareRoot().rounded())
      let ew = Int((target / aspect).squareRoot().rounded())
      guard eh < h && ew < w && eh > 0 && ew > 0 else { continue }
      let top = random.nextInt(below: h - eh + 1)
      let left = random.nextInt(below: w - ew + 1)
      return (top, left, eh, ew)
    }
    return nil
  }
}
