/// Where re-ranking gets the distances between all n = Nq + Ng items.
///
/// Items are numbered queries first, then gallery. Row i of the reference's matrix holds,
/// at column j, the squared distance "of j as seen from i": the square of the given
/// distance, with the reference's transposes for the query-query and gallery-gallery blocks
/// (they matter only when those matrices are not symmetric).
protocol ReRankingSource {
  /// Nq.
  var queryCount: Int { get }
  /// Ng.
  var galleryCount: Int { get }

  /// Streams every row once: fills each row's maximum and nearest-candidate list, and
  /// writes the (Nq, Ng) query-gallery distances (not squared) to `original`.
  func scan(into candidates: NeighbourCandidates, original: UnsafeMutablePointer<Float>)

  /// Row i's n squared distances, for the rare row whose order `scan` leaves ambiguous.
  func squaredRow(_ i: Int, into row: UnsafeMutablePointer<Float>)

  /// One squared distance (i, j), for pairs missing from the candidate lists.
  func squared(_ i: Int, _ j: Int) -> Float
}

extension ReRankingSource {
  /// n = Nq + Ng.
  var itemCount: Int { queryCount + galleryCount }
}
