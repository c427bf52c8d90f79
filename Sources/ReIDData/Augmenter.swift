import Foundation
import ImageIO
import TensorCore

/// Applies an `AugmentationConfig` to one image (and its label map), drawing from a stream.
///
/// Random draws per image, in this order and only for enabled steps: flip (one uniform), crop
/// offset (two integers), erasing (one uniform, then per attempt two uniforms and two
/// integers, at most 10 attempts as torchvision). The same stream state gives the same bits.
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

  /// Augments `image` into `output` and `labels` into `labelOutput`.
  /// image: (h, w, 3) bytes -> output: (height, width, 3) floats;
  /// labels: (h, w) -> labelOutput: (height, width). With `mirrorLabels`, a flip also swaps
  /// LIP's left/right labels.
  public func apply(
    _ image: RGBImage, labels: LabelMap? = nil, mirrorLabels: Bool = false,
    random: inout RandomStream, output: UnsafeMutablePointer<Float>,
    labelOutput: UnsafeMutablePointer<UInt8>? = nil
  ) {
    let h = config.height
    let w = config.width
    let resized = ImageResize.bilinearFloat(image, width: w, height: h)
    let flip = config.flipProbability > 0 && random.nextUniform() < config.flipProbability
    var offsetY = 0
    var offsetX = 0
    if config.padding > 0 {
      offsetY = random.nextInt(below: 2 * config.padding + 1) - config.padding
      offsetX = random.nextInt(below: 2 * config.padding + 1) - config.padding
    }
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
    if config.erasingProbability > 0 && random.nextUniform() < config.erasingProbability {
      erase(output, random: &random)
    }
  }

  /// torchvision's RandomErasing with value 0 (the mean color once normalized).
  func erase(_ output: UnsafeMutablePointer<Float>, random: inout RandomStream) {
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
      for y in top..<(top + eh) {
        let row = output + (y * w + left) * 3
        row.update(repeating: 0, count: ew * 3)
      }
      return
    }
  }
}
