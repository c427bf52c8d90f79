import TensorCore

/// Resizing of images (bilinear) and label maps (nearest).
///
/// Bilinear follows `torch.nn.functional.interpolate(mode="bilinear", align_corners=False)`:
/// source coordinate `(dst + 0.5) * in / out - 0.5`, clamped at 0, neighbours clamped at the
/// last row or column, no antialiasing. When upscaling this equals PIL's bilinear filter;
/// when downscaling by more than 2x PIL (antialiased) differs.
public enum ImageResize {
  /// Bilinear resize to `width` x `height`, rounded back to 8 bits.
  public static func bilinear(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    let values = bilinearFloat(image, width: width, height: height)
    var pixels = [UInt8](repeating: 0, count: values.count)
    for i in 0..<values.count { pixels[i] = UInt8(max(0, min(255, values[i].rounded()))) }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// Bilinear resize to float values in 0...255.
  /// image: (H, W, 3) bytes -> (height, width, 3) floats, row-major.
  public static func bilinearFloat(_ image: RGBImage, width: Int, height: Int) -> [Float] {
    image.pixels.withUnsafeBufferPointer { src in
      resample(
        src, width: image.width, height: image.height, channels: 3, toWidth: width,
        toHeight: height)
    }
  }

  /// Bilinear resize of a float image with any channel count.
  /// values: (height, width, channels) -> (toHeight, toWidth, channels), row-major.
  public static func bilinear(
    _ values: [Float], width: Int, height: Int, channels: Int, toWidth: Int, toHeight: Int
  ) -> [Float] {
    checkPrecondition(
      values.count == width * height * channels,
      "ImageResize.bilinear: \(values.count) values for (\(height), \(width), \(channels))")
    return values.withUnsafeBufferPointer {
      resample(
        $0, width: width, height: height, channels: channels, toWidth: toWidth,
        toHeight: toHeight)
    }
  }

  /// Nearest-neighbour resize of a label map (center-aligned, PyTorch's "nearest-exact":
  /// source index `floor((dst + 0.5) * in / out)`), so labels are never blended.
  public static func nearest(_ map: LabelMap, width: Int, height: Int) -> LabelMap {
    checkPrecondition(width > 0 && height > 0, "ImageResize.nearest: size \(width)x\(height)")
    let xs = (0..<width).map { min(map.width - 1, (2 * $0 + 1) * map.width / (2 * width)) }
    var out = [UInt8](repeating: 0, count: width * height)
    for y in 0..<height {
      let sy = min(map.height - 1, (2 * y + 1) * map.height / (2 * height))
      let row = sy * map.width
      for x in 0..<width { out[y * width + x] = map.labels[row + xs[x]] }
    }
    return LabelMap(width: width, height: height, labels: out)
  }

  /// The two neighbours and the weight of the second, per output index along one axis.
  struct Axis {
    var low: [Int]
    var high: [Int]
    var weight: [Float]

    init(input: Int, output: Int) {
      low = []
      high = []
      weight = []
      let scale = Float(input) / Float(output)
      for i in 0..<output {
        let source = max(0, (Float(i) + 0.5) * scale - 0.5)
        let l = min(Int(source), input - 1)
        low.append(l)
        high.append(min(l + 1, input - 1))
        weight.append(source - Float(l))
      }
    }
  }

  static func resample<T: ResizeComponent>(
    _ src: UnsafeBufferPointer<T>, width: Int, height: Int, channels: Int, toWidth: Int,
    toHeight: Int
  ) -> [Float] {
    checkPrecondition(
      width > 0 && height > 0 && toWidth > 0 && toHeight > 0 && channels > 0,
      "ImageResize: (\(height), \(width), \(channels)) -> (\(toHeight), \(toWidth))")
    let xs = Axis(input: width, output: toWidth)
    let ys = Axis(input: height, output: toHeight)
    var out = [Float](repeating: 0, count: toWidth * toHeight * channels)
    out.withUnsafeMutableBufferPointer { dst in
      for y in 0..<toHeight {
        let wy1 = ys.weight[y]
        let wy0 = 1 - wy1
        let row0 = ys.low[y] * width * channels
        let row1 = ys.high[y] * width * channels
        for x in 0..<toWidth {
          let wx1 = xs.weight[x]
          let wx0 = 1 - wx1
          let c0 = xs.low[x] * channels
          let c1 = xs.high[x] * channels
          let o = (y * toWidth + x) * channels
          for c in 0..<channels {
            let top = wx0 * src[row0 + c0 + c].floatValue + wx1 * src[row0 + c1 + c].floatValue
            let bottom =
              wx0 * src[row1 + c0 + c].floatValue + wx1 * src[row1 + c1 + c].floatValue
            dst[o + c] = wy0 * top + wy1 * bottom
          }
        }
      }
    }
    return out
  }
}

/// A pixel component that bilinear resampling reads as a float.
protocol ResizeComponent {
  var floatValue: Float { get }
}

extension UInt8: ResizeComponent {
  var floatValue: Float { Float(self) }
}

extension Float: ResizeComponent {
  var floatValue: Float { self }
}
