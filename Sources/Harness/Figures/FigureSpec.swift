/// One figure the harness draws: what it shows and where it goes, relative to the results
/// folder's `figures/`.
public struct FigureSpec: Equatable, Sendable {
  /// What a figure shows, and so what it is drawn from.
  public enum Kind: String, Sendable, CaseIterable {
    /// CMC curves (rank 1 to eval.max_rank) of several rows or readouts on one test set
    /// (SVG, from eval.json).
    case cmc
    /// Loss (and for parsing runs pixel accuracy and mean IoU) against the step, a line per
    /// seed (SVG, from metrics.jsonl).
    case training
    /// Fixed queries and their top-10 gallery images, matches outlined green and mistakes
    /// red (PNG, from the run's saved features and the dataset's images).
    case ranks
    /// Fixed images with the five part masks and each part's pixel-level attention over them
    /// (PNG, from the run's weights).
    case attention
    /// LIP validation images with the parsing stream's labels beside the ground truth (PNG,
    /// from the parsing run's weights).
    case parsing
  }

  /// What it shows.
  public var kind: Kind
  /// The registry run it is about (nil for a table's CMC curves).
  public var run: String?
  /// The test set (CMC curves and rank lists).
  public var dataset: String?
  /// A short title for links: "Market-1501", "can-inception", "accuracy".
  public var title: String
  /// The file, relative to `<results>/figures/`: `table1/cmc-market1501.svg`,
  /// `can-inception/ranks-market1501.png`.
  public var path: String
}
