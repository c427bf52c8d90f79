import Kernels
import TensorCore

/// Re-ranking input given as feature vectors: the n x n distances are computed block by
/// block with sgemm and never stored.
///
/// Items are cut into blocks of at most `blockSize` rows that never straddle the
/// query/gallery boundary. Each block pair (I, J) with I <= J is one sgemm, used twice: row
/// i in I sees column j and row j in J sees column i (the matrix is symmetric), which halves
/// the 2 n^2 D flops. The query-gallery blocks are also the (Nq, Ng) original distances.
/// Memory: the features, one block x block tile and the candidate lists.
struct FeatureSource: ReRankingSource, @unchecked Sendable {
  let queryCount: Int
  let galleryCount: Int
  let dimension: Int
  let query: UnsafePointer<Float>
  let gallery: UnsafePointer<Float>
  /// The n squared norms, queries first.
  let norms: [Float]
  let blockSize: Int

  init(
    query: UnsafePointer<Float>, gallery: UnsafePointer<Float>, queryCount: Int,
    galleryCount: Int, dimension: Int, blockSize: Int
  ) {
    checkPrecondition(blockSize >= 1, "FeatureSource: block size \(blockSize)")
    self.queryCount = queryCount
    self.galleryCount = galleryCount
    self.dimension = dimension
    self.query = query
    self.gallery = gallery
    self.blockSize = blockSize
    norms =
      EuclideanDistance.squaredNorms(query, rows: queryCount, dimension: dimension)
      + EuclideanDistance.squaredNorms(gallery, rows: galleryCount, dimension: dimension)
  }

  /// The feature vector of item i.
  @inline(__always)
  func vector(_ i: Int) -> UnsafePointer<Float> {
    i < queryCount ? query + i * dimension : gallery + (i - queryCount) * dimension
  }

  func squared(_ i: Int, _ j: Int) -> Float {
    if i == j { return 0 }
    let d = EuclideanDistance.distance(
      dot: EuclideanDistance.dot(vector(i), vector(j), dimension), norms[i], norms[j])
    return d * d
  }

  func squaredRow(_ i: Int, into row: UnsafeMutablePointer<Float>) {
    for (start, count, base) in [(0, queryCount, query), (queryCount, galleryCount, gallery)] {
      BLAS.sgemm(
        .none, .transposed, m: 1, n: count, k: dimension, a: vector(i), b: base,
        c: row + start)
      for j in start..<start + count {
        let d = EuclideanDistance.distance(dot: row[j], norms[i], norms[j])
        row[j] = d * d
      }
    }
    row[i] = 0
  }

  /// Item ranges of at most `blockSize`, of near-equal sizes, queries then gallery.
  var blocks: [Range<Int>] {
    func split(_ range: Range<Int>) -> [Range<Int>] {
      let parts = (range.count + blockSize - 1) / blockSize
      return (0..<parts).map {
        range.lowerBound + range.count * $0 / parts..<range.lowerBound + range.count * ($0 + 1)
          / parts
      }
    }
    return split(0..<queryCount) + split(queryCount..<itemCount)
  }

  func scan(into candidates: NeighbourCandidates, original: UnsafeMutablePointer<Float>) {
    let blocks = self.blocks
    let largest = blocks.map(\.count).max() ?? 0
    let tile = UnsafeMutablePointer<Float>.allocate(capacity: max(largest * largest, 1))
    defer { tile.deallocate() }
    for a in blocks.indices {
      for b in a..<blocks.count {
        let (rows, columns) = (blocks[a], blocks[b])
        BLAS.sgemm(
          .none, .transposed, m: rows.count, n: columns.count, k: dimension,
          a: vector(rows.lowerBound), b: vector(columns.lowerBound), c: tile)
        TileScan(
          tile: tile, rows: rows, columns: columns, norms: norms, queryCount: queryCount,
          galleryCount: galleryCount, candidates: candidates, original: original
        ).run()
      }
    }
  }
}

/// One sgemm tile of dot products turned into distances and offered to both sides.
struct TileScan {
  let tile: UnsafeMutablePointer<Float>
  let rows: Range<Int>
  let columns: Range<Int>
  let norms: [Float]
  let queryCount: Int
  let galleryCount: Int
  let candidates: NeighbourCandidates
  let original: UnsafeMutablePointer<Float>

  func run() {
    let diagonal = rows == columns
    let queryGallery = rows.lowerBound < queryCount && columns.lowerBound >= queryCount
    let width = columns.count
    let ng = galleryCount
    norms.withUnsafeBufferPointer { norms in
      for r in 0..<rows.count {
        let i = rows.lowerBound + r
        let line = tile + r * width
        let normI = norms[i]
        // Distances of the tile row, then the query-gallery copy (not squared).
        for s in 0..<width {
          line[s] = EuclideanDistance.distance(dot: line[s], normI, norms[columns.lowerBound + s])
        }
        if diagonal { line[r] = 0 }
        if queryGallery {
          (original + i * ng + columns.lowerBound - queryCount).update(from: line, count: width)
        }
        // Row i sees every column of the tile.
        var maximum = candidates.maxima[i]
        for s in 0..<width {
          let value = line[s] * line[s]
          line[s] = value
          maximum = max(maximum, value)
          if value <= candidates.thresholds[i] {
            candidates.offer(row: i, value: value, column: columns.lowerBound + s)
          }
        }
        candidates.maxima[i] = maximum
        // Off the diagonal, each column j sees row i.
        if !diagonal {
          let maxima = candidates.maxima + columns.lowerBound
          let thresholds = candidates.thresholds + columns.lowerBound
          for s in 0..<width {
            let value = line[s]
            maxima[s] = max(maxima[s], value)
            if value <= thresholds[s] {
              candidates.offer(row: columns.lowerBound + s, value: value, column: i)
            }
          }
        }
      }
    }
  }
}
