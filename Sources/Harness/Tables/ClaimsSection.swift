import Foundation

/// The Markdown section under a table that checks each of the paper's claims about it
/// against our seeds (`ClaimCheck`), with the criterion written down.
struct ClaimsSection {
  var spec: TableSpec
  var results: TableResults

  var lines: [String] {
    let checks = spec.claims.map { ClaimCheck($0, results: results) }
    // The seeds behind the checks (those evaluated), for the worked t value.
    let seeds = checks.map(\.differences.count).max() ?? 0
    var lines = [
      "## The paper's claims, checked",
      "",
      "Criterion: for each seed s, d_s is our row's value minus the compared row's (or the best "
        + "of the compared rows') for the same seed, in points, averaged over the named test "
        + "sets. A claim is **supported** when the 95 % t-interval of the mean of d over the "
        + "seeds lies inside the claimed range, **contradicted** when it lies wholly outside "
        + "it, and **cannot tell** otherwise (always so with one seed). The interval is "
        + "mean ± t(0.975, n − 1) · sd / √n"
        + (seeds > 1
          ? String(
            format: ": with %d seeds t is %.2f, so only differences large against the spread "
              + "between seeds decide.", seeds,
            SeedSummary.studentT975(degreesOfFreedom: seeds - 1))
          : "."),
      "",
    ]
    for (i, check) in checks.enumerated() { lines.append("\(i + 1). " + describe(check)) }
    return lines
  }

  func describe(_ check: ClaimCheck) -> String {
    let claim = check.claim
    let metric = TableRenderer.metricNames[claim.metric] ?? claim.metric
    let sets = check.datasets.map { TableRenderer.datasetNames[$0] ?? $0 }
    let other =
      claim.versus ?? "the best of " + (claim.versusBestOf ?? []).joined(separator: ", ")
    let averaged =
      sets.count > 1 ? ", averaged over \(sets.joined(separator: " and "))" : " on \(sets.joined())"
    var text = "**\(claim.claim).** The paper: \"\(claim.quote)\""
    if let paper = check.paperDifference {
      text += " (its table: \(signed(paper, decimals: 2)))"
    }
    text +=
      ". Ours, \(metric) of \(claim.row) − \(other)\(averaged), claimed "
      + "\(claim.expect.description): "
    let d = check.differences
    if d.count == 0 {
      return text + "not run yet. **Not run.**"
    }
    text +=
      "per seed "
      + d.values.map { "\(signed($0.value)) (seed \($0.seed))" }.joined(
        separator: ", ")
    if let mean = d.mean, let interval = d.interval95 {
      text +=
        "; mean \(signed(mean)), 95 % interval [\(signed(interval.lowerBound)), "
        + "\(signed(interval.upperBound))], n = \(d.count); "
        + "\(check.seedsInRange) of \(d.count) seeds in the claimed range"
    }
    return text
      + ". **\(check.verdict.rawValue.prefix(1).uppercased() + check.verdict.rawValue.dropFirst()).**"
  }

  /// x with a sign (− for negative, as typeset) and one decimal, or up to `decimals`
  /// without trailing zeros.
  func signed(_ x: Double, decimals: Int = 1) -> String {
    var text = String(format: "%.\(decimals)f", abs(x))
    while decimals > 1, text.hasSuffix("0"), !text.hasSuffix(".0") { text.removeLast() }
    return (x < 0 && Double(text) != 0 ? "−" : "+") + text
  }
}
