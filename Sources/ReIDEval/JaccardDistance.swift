/// The final step of re-ranking: Jaccard distances of query-gallery V pairs through an
/// inverted index, blended with the scaled original distances.
///
/// For query i and gallery item g, overlap = sum_j min(V[i, j], V[g, j]) accumulated in
/// ascending j (the reference's order), jaccard = 1 - overlap / (2 - overlap), and the result
/// is jaccard * (1 - lambda) + d[i, g] * lambda in float32, d being the squared original
/// distance scaled by row i's maximum. Only the gallery rows are indexed, and only the
/// (Nq, Ng) result is dense.
enum JaccardDistance {
  /// Overwrites `distances` (Nq, Ng), which holds the original query-gallery distances,
  /// with the re-ranked distances.
  static func blend(
    into distances: UnsafeMutablePointer<Float>, vectors: SparseRows, maxima: [Float],
    queryCount nq: Int, lambda: Double, threads: Int
  ) {
    let ng = vectors.count - nq
    let index = InvertedIndex(vectors, rows: nq..<vectors.count)
    let jaccardWeight = Float(1 - lambda)
    let originalWeight = Float(lambda)
    let out = SharedPointer(distances)
    Parallel.forEachChunk(nq, workers: threads) { chunk in
      var overlap = [Float](repeating: 0, count: ng)
      for i in chunk {
        let (columns, values) = (vectors.columns[i], vectors.values[i])
        for t in columns.indices {
          let (j, vij) = (Int(columns[t]), values[t])
          for p in index.starts[j]..<index.starts[j + 1] {
            let g = Int(index.rows[p])
            overlap[g] += min(vij, index.values[p])
          }
        }
        let row = out.base + i * ng
        let maximum = maxima[i]
        for g in 0..<ng {
          let jaccard = 1 - overlap[g] / (2 - overlap[g])
          let original = row[g] * row[g] / maximum
          row[g] = jaccard * jaccardWeight + original * originalWeight
          overlap[g] = 0
        }
      }
    }
  }
}

/// For each column j, the rows (as 0-based gallery positions) whose vector is non-zero at j,
/// with those values (compressed sparse columns).
struct InvertedIndex: Sendable {
  /// Column j's entries are `starts[j]..<starts[j + 1]`.
  let starts: [Int]
  let rows: [Int32]
  let values: [Float]

  /// Indexes `rows` of `vectors`, numbering them from 0.
  init(_ vectors: SparseRows, rows selected: Range<Int>) {
    var starts = [Int](repeating: 0, count: vectors.count + 1)
    for i in selected {
      for c in vectors.columns[i] { starts[Int(c) + 1] += 1 }
    }
    for j in 0..<vectors.count { starts[j + 1] += starts[j] }
    var fill = starts
    var rows = [Int32](repeating: 0, count: starts[vectors.count])
    var values = [Float](repeating: 0, count: starts[vectors.count])
    for i in selected {
      let (columns, entries) = (vectors.columns[i], vectors.values[i])
      for t in columns.indices {
        let c = Int(columns[t])
        rows[fill[c]] = Int32(i - selected.lowerBound)
        values[fill[c]] = entries[t]
        fill[c] += 1
      }
    }
    self.starts = starts
    self.rows = rows
    self.values = values
  }
}
