import ArgumentParser
import Foundation
import Kernels
import ReIDCommandLine
import ReIDEval
import TensorCore

/// `reid eval`: CMC and mAP of a feature file, optionally after k-reciprocal re-ranking.
struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate a feature file: rank-1, 5, 10 and mAP (single-query Market protocol).",
    discussion: """
      The feature file holds groups query and gallery, each with features float32 (N, D), \
      pids int64 (N), camids int64 (N) and optionally paths. Distances are Euclidean; per \
      query, gallery items with the same pid and camera are dropped, queries without a true \
      match are skipped and counted, ties rank by gallery index.
      """)

  @Option(help: "The feature file (HDF5).")
  var features: String

  @Flag(help: "Apply k-reciprocal re-ranking (Zhong et al. 2017) before evaluating.")
  var rerank = false

  @Option(help: "Re-ranking: k of the k-reciprocal neighbour sets.")
  var k1 = 20

  @Option(help: "Re-ranking: neighbours averaged by local query expansion.")
  var k2 = 6

  @Option(help: "Re-ranking: weight of the original distance (Jaccard gets 1 - lambda).")
  var lambda = 0.3

  @Option(help: "Highest rank of the CMC curve.")
  var maxRank = 50

  @Flag(help: "Print one JSON object instead of text.")
  var json = false

  @OptionGroup var blas: BLASOptions

  func validate() throws {
    guard maxRank >= 1 else { throw ValidationError("--max-rank must be at least 1") }
    do {
      try ReRankingOptions(k1: k1, k2: k2, lambda: lambda).validate()
    } catch {
      throw ValidationError("\(error)")
    }
  }

  func run() throws {
    try blas.apply()
    let threads = blas.threads
    let file = try FeatureFile.read(from: features)
    let distances: Tensor
    if rerank {
      distances = try ReRanking.rerank(
        query: file.query.features, gallery: file.gallery.features,
        options: ReRankingOptions(k1: k1, k2: k2, lambda: lambda), threads: threads)
    } else {
      distances = EuclideanDistance.matrix(
        query: file.query.features, gallery: file.gallery.features, threads: threads)
    }
    let result = try Evaluation.evaluate(
      distances: distances, query: file.query.labels, gallery: file.gallery.labels,
      maxRank: maxRank, threads: threads)
    if json {
      print(EvaluationReport.json(result, file: file, rerank: rerank))
    } else {
      print(EvaluationReport.text(result, file: file, path: features, rerank: rerank))
    }
  }
}
