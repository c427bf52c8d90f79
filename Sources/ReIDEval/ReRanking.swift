import TensorCore

/// k-reciprocal re-ranking (Zhong et al., CVPR 2017) with the results of
/// `scripts/refeval.py` `re_ranking`, in bounded memory.
///
/// The reference builds the (n x n) matrix of squared distances over all n = Nq + Ng items,
/// scales each row by its maximum, ranks every row, builds sparse k-reciprocal vectors V,
/// expands them over the k2 nearest items and blends the Jaccard distance of V with the
/// scaled original distance. Only a few nearest items per row and each row's maximum are
/// needed to build V, so here the rows stream past once (from features, in sgemm tiles) into
/// bounded candidate lists; V has a few dozen entries per row, and only the (Nq, Ng) result
/// is dense. At Market size (3,368 + 15,913 items) that is the features, the 214 MB result
/// and one sgemm tile, where the reference needs several dense 1.5 GB matrices.
public enum ReRanking {
  /// Extra candidates kept per row beyond the ranking width, so that ties created by the
  /// row scaling rarely force a row to be recomputed.
  static let candidateSlack = 16

  /// Re-ranked distances from features: query (Nq, D), gallery (Ng, D) -> (Nq, Ng).
  ///
  /// Distances are Euclidean (`EuclideanDistance`), as `reid eval` computes them.
  ///
  /// - Parameters:
  ///   - blockSize: items per sgemm tile side; memory holds one blockSize^2 tile.
  /// - Throws: `EvaluationError` for invalid options or degenerate distances.
  public static func rerank(
    query: Tensor, gallery: Tensor, options: ReRankingOptions = ReRankingOptions(),
    threads: Int = 2, blockSize: Int = 1024
  ) throws -> Tensor {
    checkPrecondition(
      query.shape.rank == 2 && gallery.shape.rank == 2 && query.shape[1] == gallery.shape[1],
      "ReRanking.rerank: query \(query.shape), gallery \(gallery.shape)")
    return try query.withUnsafePointer { q in
      try gallery.withUnsafePointer { g in
        let source = FeatureSource(
          query: q, gallery: g, queryCount: query.shape[0], galleryCount: gallery.shape[0],
          dimension: query.shape[1], blockSize: blockSize)
        return try rerank(source, options: options, threads: threads).distances
      }
    }
  }

  /// Re-ranked distances from the three distance matrices, exactly as
  /// `re_ranking(q_g, q_q, g_g)`: queryGallery (Nq, Ng), queryQuery (Nq, Nq),
  /// galleryGallery (Ng, Ng) -> (Nq, Ng).
  ///
  /// - Throws: `EvaluationError` for invalid options, non-finite or degenerate distances.
  public static func rerank(
    queryGallery: Tensor, queryQuery: Tensor, galleryGallery: Tensor,
    options: ReRankingOptions = ReRankingOptions(), threads: Int = 2
  ) throws -> Tensor {
    let (nq, ng) = (queryGallery.shape[0], queryGallery.shape[1])
    checkPrecondition(
      queryGallery.shape.rank == 2 && queryQuery.shape == Shape([nq, nq])
        && galleryGallery.shape == Shape([ng, ng]),
      "ReRanking.rerank: q_g \(queryGallery.shape), q_q \(queryQuery.shape), "
        + "g_g \(galleryGallery.shape)")
    for (name, matrix) in [("q_g", queryGallery), ("q_q", queryQuery), ("g_g", galleryGallery)] {
      if let bad = matrix.withUnsafeBufferPointer({ FiniteCheck.firstNonFinite($0) }) {
        throw EvaluationError(
          description: "re-ranking: \(name) distance at flat index \(bad) is not finite")
      }
    }
    return try queryGallery.withUnsafePointer { qg in
      try queryQuery.withUnsafePointer { qq in
        try galleryGallery.withUnsafePointer { gg in
          let source = DenseSource(
            queryCount: nq, galleryCount: ng, queryGallery: qg, queryQuery: qq,
            galleryGallery: gg, threads: threads)
          return try rerank(source, options: options, threads: threads).distances
        }
      }
    }
  }

  /// Re-ranked distances from features, with the time of each stage (for benchmarks).
  public static func rerankWithReport(
    query: Tensor, gallery: Tensor, options: ReRankingOptions = ReRankingOptions(),
    threads: Int = 2, blockSize: Int = 1024
  ) throws -> (distances: Tensor, report: ReRankingReport) {
    checkPrecondition(
      query.shape.rank == 2 && gallery.shape.rank == 2 && query.shape[1] == gallery.shape[1],
      "ReRanking.rerank: query \(query.shape), gallery \(gallery.shape)")
    return try query.withUnsafePointer { q in
      try gallery.withUnsafePointer { g in
        let source = FeatureSource(
          query: q, gallery: g, queryCount: query.shape[0], galleryCount: gallery.shape[0],
          dimension: query.shape[1], blockSize: blockSize)
        return try rerank(source, options: options, threads: threads)
      }
    }
  }

  /// The algorithm over any source.
  static func rerank<Source: ReRankingSource & Sendable>(
    _ source: Source, options: ReRankingOptions, threads: Int
  ) throws -> (distances: Tensor, report: ReRankingReport) {
    try options.validate()
    let (nq, ng, n) = (source.queryCount, source.galleryCount, source.itemCount)
    checkPrecondition(nq >= 1 && ng >= 1, "ReRanking: \(nq) queries, \(ng) gallery items")
    var report = ReRankingReport()
    let width = options.width(items: n)
    var distances = Tensor(shape: Shape([nq, ng]))
    let candidates = NeighbourCandidates(rows: n, capacity: min(width + candidateSlack, n))
    defer { candidates.deallocate() }
    report.time("distances and nearest candidates") {
      distances.withUnsafeMutablePointer { source.scan(into: candidates, original: $0) }
    }
    let table = try report.time("ranking with row scaling") {
      try NeighbourTable(candidates: candidates, width: width, source: source, threads: threads)
    }
    let direct = report.time("k-reciprocal vectors") {
      ReciprocalVectors.vectors(table, options: options, threads: threads) { i, j in
        candidates.lookup(row: i, column: j) ?? source.squared(i, j)
      }
    }
    let expanded = report.time("local query expansion") {
      ReciprocalVectors.expand(direct, table, k2: options.k2, threads: threads)
    }
    report.time("Jaccard distances and blend") {
      distances.withUnsafeMutablePointer {
        JaccardDistance.blend(
          into: $0, vectors: expanded, maxima: table.maxima, queryCount: nq,
          lambda: options.lambda, threads: threads)
      }
    }
    report.recomputedRows = table.recomputedRows
    report.vectorEntries = expanded.entryCount
    return (distances, report)
  }
}
