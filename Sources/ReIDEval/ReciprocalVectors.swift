/// The k-reciprocal feature vectors of re-ranking, as the reference builds them.
///
/// R(i, k): the items among i's k+1 nearest that have i among their own k+1 nearest.
/// V[i] is supported on R(i, k1) plus, for each c in it, R(c, round(k1/2)) when more than
/// 2/3 of that set lies in R(i, k1); V[i, j] = exp(-d[i, j]) (numpy's float32 exp,
/// `NumpyCompatible.exp`) normalized to sum 1 (numpy's float32 pairwise sum). Local query expansion then
/// replaces V[i] by the float32 mean of V over i's k2 nearest items, summed in neighbour order.
enum ReciprocalVectors {
  /// R(i, k) for every item, in rank order.
  static func reciprocalSets(_ table: NeighbourTable, k: Int, threads: Int) -> [[Int32]] {
    let sets = SharedBuffer<[Int32]>(repeating: [], count: table.count)
    Parallel.forEachChunk(table.count, workers: threads) { chunk in
      for i in chunk {
        sets[i] = table.nearest(i, k + 1).filter { c in
          table.nearest(Int(c), k + 1).contains(Int32(i))
        }
      }
    }
    return sets.array
  }

  /// V before query expansion. `squared(i, j)` gives row i's unscaled squared distances.
  static func vectors(
    _ table: NeighbourTable, options: ReRankingOptions, threads: Int,
    squared: @Sendable @escaping (Int, Int) -> Float
  ) -> SparseRows {
    let near = reciprocalSets(table, k: options.k1, threads: threads)
    let half = reciprocalSets(table, k: options.halfK1, threads: threads)
    let n = table.count
    return SparseRows.build(
      count: n, threads: threads, scratch: { ItemScratch(count: n) }
    ) { i, scratch in
      let own = near[i]
      for c in own { scratch.stamps[Int(c)] = i }
      var support = own
      for c in own {
        let candidate = half[Int(c)]
        var inside = 0
        for e in candidate where scratch.stamps[Int(e)] == i { inside += 1 }
        if Double(inside) > 2.0 / 3.0 * Double(candidate.count) { support += candidate }
      }
      // A second stamp (-2 - i) marks membership of the union without clashing with the
      // first; then sort for ascending columns, as np.unique does.
      var columns: [Int32] = []
      for c in support where scratch.stamps[Int(c)] != -2 - i {
        scratch.stamps[Int(c)] = -2 - i
        columns.append(c)
      }
      columns.sort()
      let maximum = table.maxima[i]
      var weights = columns.map { NumpyCompatible.exp(-(squared(i, Int($0)) / maximum)) }
      let total = NumpyCompatible.sum(weights)
      for t in weights.indices { weights[t] /= total }
      return (columns, weights)
    }
  }

  /// Local query expansion: V[i] <- mean of V[j] over i's k2 nearest j (k2 = 1: unchanged).
  static func expand(_ vectors: SparseRows, _ table: NeighbourTable, k2: Int, threads: Int)
    -> SparseRows
  {
    if k2 == 1 { return vectors }
    let n = table.count
    return SparseRows.build(
      count: n, threads: threads, scratch: { ItemScratch(count: n) }
    ) { i, scratch in
      let neighbours = table.nearest(i, k2)
      scratch.touched.removeAll(keepingCapacity: true)
      for j in neighbours {
        let (columns, values) = (vectors.columns[Int(j)], vectors.values[Int(j)])
        for t in columns.indices {
          let c = Int(columns[t])
          if scratch.stamps[c] != i {
            scratch.stamps[c] = i
            scratch.sums[c] = 0
            scratch.touched.append(columns[t])
          }
          scratch.sums[c] += values[t]
        }
      }
      scratch.touched.sort()
      var columns: [Int32] = []
      var values: [Float] = []
      let divisor = Float(neighbours.count)
      for c in scratch.touched {
        let mean = scratch.sums[Int(c)] / divisor
        if mean != 0 {
          columns.append(c)
          values.append(mean)
        }
      }
      return (columns, values)
    }
  }
}
