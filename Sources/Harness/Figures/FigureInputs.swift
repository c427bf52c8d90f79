import Figures
import Foundation
import ImageIO
import Models
import ReIDData
import ReIDEval
import TensorCore

/// What the image figures share: cell sizes, fixed picks, decoded pictures and trained
/// networks loaded from a run's weights.
enum FigureInputs {
  /// Grid cells are 128 pixels high and as wide as the network input's aspect ratio.
  static func cellSize(_ config: ExperimentConfig) -> (width: Int, height: Int) {
    let height = 128
    return (
      max(16, Int((Double(height * config.data.width) / Double(config.data.height)).rounded())),
      height
    )
  }

  /// `count` indices of `0..<total` spread evenly from the first to the last: the fixed
  /// picks of every image figure.
  static func evenlySpaced(_ count: Int, of total: Int) -> [Int] {
    RankList.evenlySpaced(count, of: total)
  }

  /// The picture at `path` (JPEG or PNG), as stored.
  static func picture(_ path: String) throws -> RGBImage {
    path.lowercased().hasSuffix(".png") ? try PNG.readRGB(path) : try JPEG.read(path)
  }

  /// The evaluation batch (resized, normalized, no augmentation) of `items`.
  static func batch(_ items: [DataItem], config: ExperimentConfig) throws -> Batch {
    let builder = BatchBuilder(
      items: items, augmentation: .evaluation(height: config.data.height, width: config.data.width),
      seed: 0, mirrorLabels: false)
    return try builder.build(indices: Array(items.indices), step: 0, decoder: JPEGDecoder())
  }

  /// Channel `channel` of image `image` of x (N, h, w, C), as h * w values.
  static func plane(_ x: Tensor, image: Int, channel: Int) -> [Float] {
    let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3])
    return (0..<(h * w)).map { x[flat: (image * h * w + $0) * c + channel] }
  }

  /// The mean over channels of image `image` of x (N, h, w, C), as h * w values.
  static func channelMean(_ x: Tensor, image: Int) -> [Float] {
    let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3])
    return x.withUnsafePointer { p in
      (0..<(h * w)).map { pixel in
        let row = p + (image * h * w + pixel) * c
        var sum: Float = 0
        for k in 0..<c { sum += row[k] }
        return sum / Float(c)
      }
    }
  }

  /// `values` stretched to 0...1 (min to max); constant values become 0.5.
  static func stretched(_ values: [Float]) -> [Float] {
    guard let low = values.min(), let high = values.max(), high > low else {
      return values.map { _ in 0.5 }
    }
    return values.map { ($0 - low) / (high - low) }
  }
}
