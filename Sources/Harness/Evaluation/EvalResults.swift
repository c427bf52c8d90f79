import Foundation

/// The metrics of one readout on one test set, as fractions in [0, 1].
public struct Metrics: Codable, Equatable, Sendable {
  public var rank1: Double
  public var rank5: Double
  public var rank10: Double
  public var mAP: Double
  /// Queries evaluated and skipped (no true match once same-camera items are dropped).
  public var queries: Int
  public var skipped: Int
  /// The CMC curve, rank 1 to `eval.max_rank` (or the gallery size if smaller); nil in
  /// `eval.json` files written before 2026-12-07, which are evaluated again.
  public var cmc: [Double]?

  /// Metrics from their values.
  public init(
    rank1: Double, rank5: Double, rank10: Double, mAP: Double, queries: Int, skipped: Int,
    cmc: [Double]? = nil
  ) {
    self.rank1 = rank1
    self.rank5 = rank5
    self.rank10 = rank10
    self.mAP = mAP
    self.queries = queries
    self.skipped = skipped
    self.cmc = cmc
  }

  /// The value of a table metric name (`rank1`, `rank5`, `rank10`, `mAP`).
  public func value(_ name: String) -> Double? {
    switch name {
    case "rank1": return rank1
    case "rank5": return rank5
    case "rank10": return rank10
    case "mAP": return mAP
    default: return nil
    }
  }
}

/// A readout's metrics without and (when computed) with re-ranking.
public struct ReadoutMetrics: Codable, Equatable, Sendable {
  public var plain: Metrics
  public var rerank: Metrics?

  /// A readout's metrics.
  public init(plain: Metrics, rerank: Metrics?) {
    self.plain = plain
    self.rerank = rerank
  }
}

/// `eval.json`: every readout of a run on every test set.
public struct EvalResults: Codable, Equatable, Sendable {
  public var runID: String
  /// Feature normalization and flip averaging used.
  public var normalize: Bool
  public var flip: Bool
  /// Re-ranking parameters (k1, k2, lambda).
  public var rerank: [String: Double]
  /// Test set -> readout -> metrics.
  public var datasets: [String: [String: ReadoutMetrics]]
  /// When evaluation finished, ISO 8601.
  public var finished: String

  /// Results from their parts.
  public init(
    runID: String, normalize: Bool, flip: Bool, rerank: [String: Double],
    datasets: [String: [String: ReadoutMetrics]], finished: String
  ) {
    self.runID = runID
    self.normalize = normalize
    self.flip = flip
    self.rerank = rerank
    self.datasets = datasets
    self.finished = finished
  }

  enum CodingKeys: String, CodingKey {
    case runID = "run_id"
    case normalize, flip, rerank, datasets, finished
  }

  static func url(_ directory: URL) -> URL { directory.appendingPathComponent("eval.json") }

  /// Reads `<directory>/eval.json`.
  public static func read(from directory: URL) throws -> EvalResults {
    try JSONDecoder().decode(EvalResults.self, from: Data(contentsOf: url(directory)))
  }

  /// Whether every readout carries its CMC curve (the figures plot it).
  public var hasCMCCurves: Bool {
    datasets.values.allSatisfy { readouts in
      readouts.values.allSatisfy {
        $0.plain.cmc != nil && ($0.rerank.map { $0.cmc != nil } ?? true)
      }
    }
  }

  /// Writes `<directory>/eval.json` atomically.
  public func write(to directory: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try (encoder.encode(self) + Data("\n".utf8)).write(to: Self.url(directory), options: .atomic)
  }
}
