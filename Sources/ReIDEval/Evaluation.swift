import TensorCore

/// A distance matrix that cannot be evaluated.
public struct EvaluationError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What is wrong, in words.
  public let description: String
}

/// CMC and mAP exactly as `scripts/refeval.py` `evaluate` (torchreid's conventions).
///
/// Per query, gallery items with the query's pid *and* camera are dropped; a query with no
/// remaining true match is skipped and counted; distance ties rank by gallery index. CMC(k)
/// is the float32 fraction of evaluated queries whose first true match is within the top k,
/// AP is the mean of precision at each true match, and both means follow numpy's summation
/// order, so the figures equal the reference's to the bit.
public enum Evaluation {
  /// distances: (Nq, Ng) -> CMC up to `maxRank` and mAP.
  ///
  /// Each query is ranked without sorting its row: only the true matches are sorted, and
  /// every other item is placed among them, in O(Ng + matches^2) per query.
  ///
  /// - Throws: `EvaluationError` when no query has a true match.
  public static func evaluate(
    distances: Tensor, query: IdentityLabels, gallery: IdentityLabels, maxRank: Int = 50,
    threads: Int = 2
  ) throws -> EvaluationResult {
    checkPrecondition(
      distances.shape == Shape([query.count, gallery.count]),
      "Evaluation.evaluate: distances \(distances.shape) for \(query.count) queries and "
        + "\(gallery.count) gallery items")
    checkPrecondition(maxRank >= 1, "Evaluation.evaluate: maxRank \(maxRank)")
    let (nq, ng) = (query.count, gallery.count)
    let firstMatch = SharedBuffer(repeating: -1, count: nq)
    let precision = SharedBuffer(repeating: 0.0, count: nq)
    distances.withUnsafePointer { d in
      let rows = SharedPointer(UnsafeMutablePointer(mutating: d))
      Parallel.forEachChunk(nq, workers: threads) { chunk in
        var ranker = QueryRanker(gallery: gallery)
        for i in chunk {
          guard
            let (first, ap) = ranker.rank(
              row: rows.base + i * ng, pid: query.pids[i], camid: query.camids[i])
          else { continue }
          firstMatch[i] = first
          precision[i] = ap
        }
      }
    }
    var counts = [Int](repeating: 0, count: ng)
    var averagePrecisions: [Double] = []
    for i in 0..<nq where firstMatch[i] >= 0 {
      counts[firstMatch[i]] += 1
      averagePrecisions.append(precision[i])
    }
    guard !averagePrecisions.isEmpty else {
      throw EvaluationError(
        description: "no query has a true match in the gallery (\(nq) queries, \(ng) gallery "
          + "items; same-pid same-camera items do not count)")
    }
    let evaluated = averagePrecisions.count
    var cmc: [Float] = []
    var found = 0
    for r in 0..<min(maxRank, ng) {
      found += counts[r]
      cmc.append(Float(found) / Float(evaluated))
    }
    return EvaluationResult(
      cmc: cmc, mAP: NumpyCompatible.mean(averagePrecisions), evaluatedQueries: evaluated,
      skippedQueries: nq - evaluated, firstMatchCounts: counts)
  }
}

/// Ranks one query's true matches within its distance row, with per-thread scratch.
struct QueryRanker {
  let gallery: IdentityLabels
  private var matches: [Int] = []
  private var before: [Int] = []
  private var terms: [Double] = []

  init(gallery: IdentityLabels) { self.gallery = gallery }

  /// The 0-based rank of the first true match and the average precision, or nil when the
  /// query has no true match.
  ///
  /// Rank of match t (0-based, matches ordered by (distance, index)) = t + the number of
  /// valid non-matches ordered before it. Non-matches are exactly the items of another pid
  /// (same pid is either a match or dropped), so one pass counts, for each, how many
  /// matches precede it.
  mutating func rank(row: UnsafePointer<Float>, pid: Int64, camid: Int64) -> (Int, Double)? {
    let ng = gallery.count
    matches.removeAll(keepingCapacity: true)
    gallery.pids.withUnsafeBufferPointer { pids in
      gallery.camids.withUnsafeBufferPointer { camids in
        for j in 0..<ng where pids[j] == pid && camids[j] != camid { matches.append(j) }
      }
    }
    if matches.isEmpty { return nil }
    matches.sort { row[$0] < row[$1] || (row[$0] == row[$1] && $0 < $1) }
    let count = matches.count
    before = [Int](repeating: 0, count: count + 1)
    let lastValue = row[matches[count - 1]]
    gallery.pids.withUnsafeBufferPointer { pids in
      for j in 0..<ng {
        let value = row[j]
        if value > lastValue || pids[j] == pid { continue }
        // Matches ordered before item j: (distance, index) lexicographically smaller.
        var t = 0
        while t < count {
          let m = matches[t]
          let mv = row[m]
          if mv < value || (mv == value && m < j) { t += 1 } else { break }
        }
        before[t] += 1
      }
    }
    terms.removeAll(keepingCapacity: true)
    var preceding = 0
    var first = 0
    for t in 0..<count {
      preceding += before[t]
      let rank = t + preceding
      if t == 0 { first = rank }
      terms.append(Double(t + 1) / (Double(rank) + 1.0))
    }
    return (first, NumpyCompatible.mean(terms))
  }
}
