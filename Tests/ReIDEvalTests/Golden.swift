import Checkpoint
import Foundation
import ReIDEval
import TensorCore
import XCTest

/// A golden fixture made by `scripts/make_eval_fixtures.py` with the reference evaluator.
struct Golden {
  /// A re-ranking the reference ran on the fixture.
  struct ReRanked {
    let name: String
    let options: ReRankingOptions
    /// The re-ranked (Nq, Ng) distances, or only `rows` of them.
    let distances: Tensor
    /// The rows of `distances`, or nil when it holds them all.
    let rows: [Int]?
    /// Every row's sum, when only some rows are stored.
    let rowSums: [Double]?
    let cmc: [Float]
    let mAP: Double
  }

  let name: String
  let path: String
  let features: FeatureFile
  let maxRank: Int
  /// The reference's distances, when stored (the features of fixtures without them have
  /// small integer values, so every distance is exact).
  let distances: Tensor?
  let queryQuery: Tensor?
  let galleryGallery: Tensor?
  let cmc: [Float]
  let mAP: Double
  let evaluated: Int
  let skipped: Int
  let reranked: [ReRanked]

  static let names = ["hand", "ties", "gaussian", "medium"]

  /// The path of a fixture file.
  static func path(_ name: String) throws -> String {
    guard
      let url = Bundle.module.url(forResource: name, withExtension: "h5", subdirectory: "Fixtures")
    else {
      throw MissingTestInput(message: "fixture \(name).h5 is missing from the test bundle")
    }
    return url.path
  }

  /// Loads fixture `name`.
  init(_ name: String) throws {
    self.name = name
    path = try Self.path(name)
    features = try FeatureFile.read(from: path)
    let file = try HDF5File.open(path)
    defer { try? file.close() }
    let expected = try file.openGroup("expected")
    func optionalTensor(_ key: String) throws -> Tensor? {
      try expected.exists(key) ? expected.readTensor(key) : nil
    }
    distances = try optionalTensor("distmat")
    queryQuery = try optionalTensor("q_q")
    galleryGallery = try optionalTensor("g_g")
    let cmcSet = try expected.openDataset("cmc")
    cmc = try cmcSet.read(Float.self).values
    mAP = try cmcSet.attribute("mAP", as: Double.self)
    maxRank = Int(try cmcSet.attribute("max_rank", as: Int64.self))
    evaluated = Int(try cmcSet.attribute("evaluated", as: Int64.self))
    skipped = Int(try cmcSet.attribute("skipped", as: Int64.self))
    var reranked: [ReRanked] = []
    for member in try expected.members()
    where member.name.hasPrefix("rerank_")
      && !["_cmc", "_rows", "_row_sums"].contains(where: { member.name.hasSuffix($0) })
    {
      let set = try expected.openDataset(member.name)
      let options = ReRankingOptions(
        k1: Int(try set.attribute("k1", as: Int64.self)),
        k2: Int(try set.attribute("k2", as: Int64.self)),
        lambda: try set.attribute("lambda", as: Double.self))
      var rows: [Int]?
      var rowSums: [Double]?
      if try expected.exists(member.name + "_rows") {
        rows = try expected.read(member.name + "_rows", as: Int64.self).values.map { Int($0) }
        rowSums = try expected.read(member.name + "_row_sums", as: Double.self).values
      }
      reranked.append(
        ReRanked(
          name: member.name, options: options, distances: try set.readTensor(), rows: rows,
          rowSums: rowSums, cmc: try expected.read(member.name + "_cmc", as: Float.self).values,
          mAP: try set.attribute("mAP", as: Double.self)))
    }
    self.reranked = reranked
  }
}

/// Something a test needs is absent: the test fails (it is never skipped).
struct MissingTestInput: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
