import ImageIO

/// A color-histogram nearest-neighbour matcher: the floor any learned model must beat, and a
/// check that a synthetic dataset is not separable by clothing color alone.
///
/// Each image becomes `stripes` horizontal stripes x a joint RGB histogram of `bins` levels
/// per channel, each stripe L1-normalized and square-rooted (Hellinger); distances are
/// Euclidean. Matching follows the single-query Market protocol: gallery images of the same
/// pid and camera as the query are ignored, and queries without a match are skipped.
public enum ColorHistogramBaseline {
  /// Rank-1 accuracy and the number of queries evaluated.
  /// - Throws: `ImageIOError` naming an unreadable image.
  public static func rank1(
    query: [ReIDImage], gallery: [ReIDImage], stripes: Int = 6, bins: Int = 4
  ) throws -> (rank1: Double, queries: Int) {
    let decoder = try JPEGDecoder()
    let q = try query.map { try descriptor(decoder.read($0.path), stripes: stripes, bins: bins) }
    let g = try gallery.map { try descriptor(decoder.read($0.path), stripes: stripes, bins: bins) }
    var hits = 0
    var evaluated = 0
    for (i, probe) in query.enumerated() {
      var best = Float.infinity
      var bestIndex = -1
      var hasMatch = false
      for (j, candidate) in gallery.enumerated() {
        if candidate.pid == probe.pid && candidate.camera == probe.camera { continue }
        if candidate.pid == probe.pid { hasMatch = true }
        var d: Float = 0
        for k in 0..<q[i].count {
          let diff = q[i][k] - g[j][k]
          d += diff * diff
        }
        if d < best {
          best = d
          bestIndex = j
        }
      }
      guard hasMatch, bestIndex >= 0 else { continue }
      evaluated += 1
      if gallery[bestIndex].pid == probe.pid { hits += 1 }
    }
    return (evaluated == 0 ? 0 : Double(hits) / Double(evaluated), evaluated)
  }

  /// The stripe histograms of one image.
  static func descriptor(_ image: RGBImage, stripes: Int, bins: Int) -> [Float] {
    let cells = bins * bins * bins
    var histogram = [Float](repeating: 0, count: stripes * cells)
    for y in 0..<image.height {
      let stripe = y * stripes / image.height
      for x in 0..<image.width {
        let (r, g, b) = image[x, y]
        let bin = (Int(r) * bins / 256 * bins + Int(g) * bins / 256) * bins + Int(b) * bins / 256
        histogram[stripe * cells + bin] += 1
      }
    }
    for stripe in 0..<stripes {
      let total = histogram[(stripe * cells)..<((stripe + 1) * cells)].reduce(0, +)
      for k in 0..<cells {
        histogram[stripe * cells + k] = (histogram[stripe * cells + k] / max(total, 1)).squareRoot()
      }
    }
    return histogram
  }
}
