/// How `reid eval` prints an evaluation: a few lines of text, or one JSON object.
public enum EvaluationReport {
  /// The ranks printed and stored beside mAP.
  public static let headlineRanks = [1, 5, 10]

  /// One JSON object: `rank1`, `rank5`, `rank10`, `mAP`, `cmc` (fractions in [0, 1]),
  /// `queries` (evaluated), `skipped`, `gallery`, `dimension` and `rerank`.
  public static func json(_ result: EvaluationResult, file: FeatureFile, rerank: Bool) -> String {
    var fields: [(String, String)] = headlineRanks.map { ("rank\($0)", "\(result.rank($0))") }
    fields.append(("mAP", "\(result.mAP)"))
    fields.append(("cmc", "[" + result.cmc.map { "\($0)" }.joined(separator: ", ") + "]"))
    fields.append(("queries", "\(result.evaluatedQueries)"))
    fields.append(("skipped", "\(result.skippedQueries)"))
    fields.append(("gallery", "\(file.gallery.count)"))
    fields.append(("dimension", "\(file.query.dimension)"))
    fields.append(("rerank", rerank ? "true" : "false"))
    return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
  }

  /// A human-readable summary with percentages.
  public static func text(
    _ result: EvaluationResult, file: FeatureFile, path: String, rerank: Bool
  ) -> String {
    func percent(_ x: Double) -> String {
      let tenths = Int((x * 1000).rounded())
      return "\(tenths / 10).\(tenths % 10)%"
    }
    var lines = [
      "\(path): \(file.query.count) queries, \(file.gallery.count) gallery items, "
        + "dimension \(file.query.dimension)"
        + (rerank ? ", k-reciprocal re-ranking" : ""),
      "evaluated \(result.evaluatedQueries) queries, skipped \(result.skippedQueries) "
        + "without a true match",
    ]
    var figures = headlineRanks.map { "rank-\($0) \(percent(Double(result.rank($0))))" }
    figures.append("mAP \(percent(result.mAP))")
    lines.append(figures.joined(separator: "  "))
    return lines.joined(separator: "\n")
  }
}
