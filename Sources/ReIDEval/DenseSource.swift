import TensorCore

/// Re-ranking input given as the three distance matrices of `refeval.re_ranking(q_g, q_q,
/// g_g)`: exact, and the way golden tests drive the algorithm; memory is O(n^2) by nature.
struct DenseSource: ReRankingSource, @unchecked Sendable {
  let queryCount: Int
  let galleryCount: Int
  /// (Nq, Ng), (Nq, Nq), (Ng, Ng) distances.
  let queryGallery: UnsafePointer<Float>
  let queryQuery: UnsafePointer<Float>
  let galleryGallery: UnsafePointer<Float>
  let threads: Int

  /// The given distance of column j in row i (before squaring), with the reference's
  /// transposes: d[:nq, :nq] = q_q.T, d[:nq, nq:] = q_g, d[nq:, :nq] = q_g.T, d[nq:, nq:] = g_g.T.
  @inline(__always)
  func distance(_ i: Int, _ j: Int) -> Float {
    let (nq, ng) = (queryCount, galleryCount)
    if i < nq {
      return j < nq ? queryQuery[j * nq + i] : queryGallery[i * ng + j - nq]
    }
    return j < nq ? queryGallery[j * ng + i - nq] : galleryGallery[(j - nq) * ng + i - nq]
  }

  func squared(_ i: Int, _ j: Int) -> Float {
    let d = distance(i, j)
    return d * d
  }

  func squaredRow(_ i: Int, into row: UnsafeMutablePointer<Float>) {
    for j in 0..<itemCount { row[j] = squared(i, j) }
  }

  func scan(into candidates: NeighbourCandidates, original: UnsafeMutablePointer<Float>) {
    let n = itemCount
    original.update(from: queryGallery, count: queryCount * galleryCount)
    Parallel.forEachChunk(n, workers: threads) { chunk in
      for i in chunk {
        var maximum: Float = 0
        for j in 0..<n {
          let value = squared(i, j)
          maximum = max(maximum, value)
          if value <= candidates.thresholds[i] { candidates.offer(row: i, value: value, column: j) }
        }
        candidates.maxima[i] = maximum
      }
    }
  }
}
