import TensorCore

/// Each item's `width` nearest items in the reference's order, and each row's maximum.
///
/// The reference ranks row i by d[i, j] = squared(i, j) / max_i in float32 with ties broken
/// by column (`np.argsort(kind="stable")`). The candidate lists are ordered by the unscaled
/// value; scaling is monotone, so the order only changes where it creates ties. Each row's
/// candidates are reordered by (scaled value, column); the result is provably the true top
/// `width` when the width-th scaled value is below the last candidate's (anything dropped
/// from the list scales to at least that). Otherwise the row is recomputed in full.
struct NeighbourTable: Sendable {
  /// n.
  let count: Int
  /// Nearest items kept per row.
  let width: Int
  /// count x width item indices, nearest first.
  let nearest: [Int32]
  /// The maximum of each row of squared distances.
  let maxima: [Float]
  /// Rows whose order had to be recomputed in full (for tests and reports).
  let recomputedRows: Int

  /// The `k` nearest items of item i (k <= width).
  @inline(__always)
  func nearest(_ i: Int, _ k: Int) -> ArraySlice<Int32> {
    nearest[i * width..<i * width + min(k, width)]
  }

  /// Builds the table from scanned candidates.
  ///
  /// - Throws: `EvaluationError` when a row's maximum is 0 (every item at distance 0 of
  ///   item i): the reference divides by it.
  init<Source: ReRankingSource & Sendable>(
    candidates: NeighbourCandidates, width: Int, source: Source, threads: Int
  ) throws {
    let n = candidates.rows
    checkPrecondition(
      width <= candidates.capacity && width <= n,
      "NeighbourTable: width \(width), capacity \(candidates.capacity), rows \(n)")
    if let flat = (0..<n).first(where: { candidates.maxima[$0] == 0 }) {
      throw EvaluationError(
        description: "re-ranking: item \(flat) is at distance 0 from every item; the "
          + "distances are degenerate")
    }
    let nearest = SharedBuffer<Int32>(repeating: 0, count: n * width)
    let recomputed = SharedBuffer(repeating: false, count: n)
    Parallel.forEachChunk(n, workers: threads) { chunk in
      var scaled: [(Float, Int32)] = []
      var fullRow: [Float] = []
      for i in chunk {
        let maximum = candidates.maxima[i]
        let base = i * candidates.capacity
        let listed = Int(candidates.counts[i])
        scaled.removeAll(keepingCapacity: true)
        for p in base..<base + listed {
          scaled.append((candidates.squared[p] / maximum, candidates.columns[p]))
        }
        // Stable by construction: sorted by value already, reorder the scaling ties.
        scaled.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        let complete = listed == n
        if complete || scaled[width - 1].0 < scaled[listed - 1].0 {
          for k in 0..<width { nearest[i * width + k] = scaled[k].1 }
          continue
        }
        recomputed[i] = true
        if fullRow.count != n { fullRow = [Float](repeating: 0, count: n) }
        fullRow.withUnsafeMutableBufferPointer { row in
          guard let row = row.baseAddress else { return }
          source.squaredRow(i, into: row)
          let exact = NeighbourTable.smallest(width, scaledBy: maximum, row: row, count: n)
          for k in 0..<width { nearest[i * width + k] = exact[k] }
        }
      }
    }
    self.count = n
    self.width = width
    self.nearest = nearest.array
    self.maxima = Array(UnsafeBufferPointer(start: candidates.maxima, count: n))
    self.recomputedRows = recomputed.array.filter { $0 }.count
  }

  /// The `k` smallest entries of a full row after scaling, by (scaled value, column).
  static func smallest(
    _ k: Int, scaledBy maximum: Float, row: UnsafePointer<Float>, count: Int
  ) -> [Int32] {
    var best: [(Float, Int32)] = []
    for j in 0..<count {
      let value = row[j] / maximum
      if best.count == k, let last = best.last, !(value < last.0) { continue }
      var p = best.count
      best.append((value, Int32(j)))
      while p > 0 && best[p - 1].0 > value {
        best[p] = best[p - 1]
        p -= 1
      }
      best[p] = (value, Int32(j))
      if best.count > k { best.removeLast() }
    }
    return best.map(\.1)
  }
}
