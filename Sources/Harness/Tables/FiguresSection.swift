/// The Markdown section under a table that shows its CMC curves and links its other figures.
struct FiguresSection {
  var figures: [FigureSpec]
  var seeds: [UInt64]

  var lines: [String] {
    func link(_ figure: FigureSpec, _ title: String? = nil) -> String {
      "[\(title ?? figure.title)](figures/\(figure.path))"
    }
    func of(_ kind: FigureSpec.Kind) -> [FigureSpec] { figures.filter { $0.kind == kind } }
    /// "run: [a](..), [b](..)" per run, in catalog order.
    func byRun(_ kind: FigureSpec.Kind, titled: (FigureSpec) -> String) -> String {
      var runs: [String] = []
      for figure in of(kind) where !runs.contains(figure.run ?? "") {
        runs.append(figure.run ?? "")
      }
      return runs.map { run in
        let links = of(kind).filter { $0.run == run }
        // A link titled with the run's own name leads; the others follow in parentheses.
        guard let lead = links.first(where: { titled($0) == run }) else {
          return "\(run) " + links.map { link($0, titled($0)) }.joined(separator: ", ")
        }
        let rest = links.filter { $0.path != lead.path }.map { link($0, titled($0)) }
        return link(lead, run) + (rest.isEmpty ? "" : " (\(rest.joined(separator: ", ")))")
      }.joined(separator: "; ")
    }
    let first = seeds.first.map { "seed \($0)" } ?? "the first seed"
    var lines = ["## Figures", ""]
    for figure in of(.cmc) where figure.run == nil {
      lines += ["![CMC curves on \(figure.title)](figures/\(figure.path))", ""]
    }
    lines.append(
      "- Training curves (loss per seed; for parsing runs also the training batches' pixel "
        + "accuracy and mean IoU): "
        + byRun(.training) { $0.title == "loss" ? ($0.run ?? "") : $0.title })
    if !of(.ranks).isEmpty {
      lines.append(
        "- Rank lists (\(first); four fixed queries, each followed by its ten nearest gallery "
          + "images, the query's identity outlined green, others red): "
          + byRun(.ranks) { TableRenderer.datasetNames[$0.dataset ?? ""] ?? ($0.dataset ?? "") })
    }
    if !of(.attention).isEmpty {
      lines.append(
        "- Attention (\(first); four fixed query images; per row: the image, the part masks "
          + "of foreground, head, upper body, legs and feet over it, then each part's "
          + "pixel-level attention, channel mean stretched min to max; jet colors, red high): "
          + byRun(.attention) { $0.run ?? "" })
    }
    if !of(.parsing).isEmpty {
      lines.append(
        "- Parsing (six fixed LIP validation images; per row: the image, the stream's labels, "
          + "the ground truth, in LIP's palette): " + byRun(.parsing) { $0.run ?? "" })
    }
    return lines
  }
}
