import TensorCore

/// A query's nearest gallery items as the evaluation protocol ranks them: the gallery items
/// of the query's identity seen by the query's camera are dropped, the rest sorted by
/// distance, ties by gallery index.
public struct RankList: Sendable, Equatable {
  /// The query's index.
  public var query: Int
  /// The nearest gallery indices, nearest first.
  public var gallery: [Int]
  /// Whether each of them shows the query's identity.
  public var matches: [Bool]

  /// The rank lists of `count` queries spread evenly (first to last) over the queries with a
  /// true match, `ranks` gallery items each.
  ///
  /// - Parameter distances: (Nq, Ng).
  public static func make(
    distances: Tensor, query: IdentityLabels, gallery: IdentityLabels, count: Int, ranks: Int
  ) -> [RankList] {
    checkPrecondition(
      distances.shape == Shape(query.count, gallery.count),
      "RankList: distances \(distances.shape) for \(query.count) x \(gallery.count)")
    func kept(_ q: Int, _ g: Int) -> Bool {
      !(gallery.pids[g] == query.pids[q] && gallery.camids[g] == query.camids[q])
    }
    let evaluable = (0..<query.count).filter { q in
      (0..<gallery.count).contains { kept(q, $0) && gallery.pids[$0] == query.pids[q] }
    }
    return evenlySpaced(count, of: evaluable.count).map { pick in
      let q = evaluable[pick]
      let row = q * gallery.count
      let order = (0..<gallery.count).filter { kept(q, $0) }.sorted {
        let (a, b) = (distances[flat: row + $0], distances[flat: row + $1])
        return a != b ? a < b : $0 < $1
      }
      let nearest = Array(order.prefix(ranks))
      return RankList(
        query: q, gallery: nearest, matches: nearest.map { gallery.pids[$0] == query.pids[q] })
    }
  }

  /// `count` indices of `0..<total` spread evenly from the first to the last (fewer when
  /// `total` is smaller).
  public static func evenlySpaced(_ count: Int, of total: Int) -> [Int] {
    guard total > 0, count > 0 else { return [] }
    guard count > 1, total > 1 else { return [0] }
    var picks: [Int] = []
    for i in 0..<count {
      let index = i * (total - 1) / (count - 1)
      if picks.last != index { picks.append(index) }
    }
    return picks
  }
}
