import ArgumentParser
import Foundation
import ReIDData

/// `reid data`: dataset tools.
struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data", abstract: "Inspect datasets.",
    subcommands: [DataInspectCommand.self, DataHistogramBaselineCommand.self])
}

/// `reid data inspect`: per split, the number of images, identities and cameras.
struct DataInspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Load a dataset under the standard protocol and print its split sizes.",
    discussion: """
      Exits non-zero with a message naming the folder or file on a missing folder, a bad file \
      name or an image count other than the published one (unless --allow-nonstandard or the \
      dataset's synthetic.json marker declares it non-standard).
      """)

  /// The datasets `inspect` knows.
  enum DatasetName: String, ExpressibleByArgument, CaseIterable {
    case market1501, dukemtmc, lip
  }

  @Option(help: "market1501, dukemtmc or lip.")
  var dataset: DatasetName

  @Option(help: "The data root (holding market1501/, dukemtmc-reid/, lip/).")
  var root: String

  @Flag(help: "Print one JSON object.")
  var json = false

  @Flag(help: "Accept image counts other than the published ones.")
  var allowNonstandard = false

  @Flag(help: "Also print the dataset fingerprint (names and sizes).")
  var fingerprint = false

  func run() throws {
    let summary: DatasetSummary
    let folder: String
    switch dataset {
    case .market1501, .dukemtmc:
      let kind: ReIDDatasetKind = dataset == .market1501 ? .market1501 : .dukemtmc
      let loaded = try ReIDDataset.load(kind, dataRoot: root, allowNonstandard: allowNonstandard)
      summary = DatasetSummary(loaded)
      folder = loaded.folder
    case .lip:
      let loaded = try LIPDataset.load(dataRoot: root, allowNonstandard: allowNonstandard)
      summary = DatasetSummary(loaded)
      folder = loaded.folder
    }
    let digest = fingerprint ? try DatasetFingerprint.short(of: folder) : nil
    if json {
      print(summary.json(fingerprint: digest))
    } else {
      print(summary.text)
      if let digest { print("fingerprint \(digest)") }
    }
  }
}

/// `reid data histogram-baseline`: rank-1 of color-histogram nearest neighbours.
struct DataHistogramBaselineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "histogram-baseline",
    abstract: "Rank-1 of a color-histogram nearest-neighbour matcher (no learning).",
    discussion: "A floor for learned models, and a check that synthetic data is not trivial.")

  @Option(help: "market1501 or dukemtmc.")
  var dataset: ReIDDatasetKind

  @Option(help: "The data root.")
  var root: String

  @Flag(help: "Accept image counts other than the published ones.")
  var allowNonstandard = false

  func run() throws {
    let loaded = try ReIDDataset.load(dataset, dataRoot: root, allowNonstandard: allowNonstandard)
    let result = try ColorHistogramBaseline.rank1(query: loaded.query, gallery: loaded.gallery)
    print(
      "\(dataset.displayName): color-histogram rank-1 "
        + String(format: "%.1f%% ", result.rank1 * 100)
        + "over \(result.queries) queries")
  }
}

extension ReIDDatasetKind: ExpressibleByArgument {}
