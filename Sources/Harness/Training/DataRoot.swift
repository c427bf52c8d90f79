import Foundation
import ReIDData

/// Where a run's datasets are, generating the synthetic ones on first use.
///
/// Real data lives directly under the data root (`$DATA_ROOT`, default `data/`) in the
/// published layouts. Synthetic data lives in `<data root>/synthetic-<preset>-seed<seed>/`, so
/// presets and seeds never overwrite each other.
public struct DataRoot: Sendable {
  /// `$DATA_ROOT` (or `data`).
  public let base: String

  /// The data root from the environment.
  public init(base: String = ProcessInfo.processInfo.environment["DATA_ROOT"] ?? "data") {
    self.base = base
  }

  /// A dataset that is needed but absent.
  public struct MissingDataset: Error, CustomStringConvertible {
    public var description: String
  }

  /// The folder holding the run's datasets, generating synthetic data if absent.
  ///
  /// - Parameter log: receives a line when data is generated.
  public func folder(for data: DataConfig, log: (String) -> Void) throws -> String {
    switch data.source {
    case "synthetic":
      let folder = "\(base)/synthetic-\(data.syntheticPreset)-seed\(data.syntheticSeed)"
      let complete = SyntheticGenerator.topFolders.allSatisfy {
        FileManager.default.fileExists(atPath: "\(folder)/\($0)")
      }
      if !complete {
        let preset = try SyntheticPreset.named(data.syntheticPreset)
        log("generating synthetic data (preset \(data.syntheticPreset)) in \(folder)")
        try SyntheticGenerator(preset: preset, seed: data.syntheticSeed).write(
          to: folder, force: true)
      }
      return folder
    case "real":
      for kind in ReIDDatasetKind.allCases
      where !FileManager.default.fileExists(
        atPath: "\(base)/\(kind.folder)")
      {
        throw MissingDataset(
          description: "\(kind.displayName) not found: expected \(base)/\(kind.folder)/"
            + "{bounding_box_train,bounding_box_test,query}. Download it and unpack it there, "
            + "or set DATA_ROOT to the folder that holds it (data.source: real).")
      }
      return base
    default:
      throw Self.unknownSource(data.source)
    }
  }

  /// Throws unless `source` is `synthetic` or `real`.
  static func checkSource(_ source: String) throws {
    guard ["synthetic", "real"].contains(source) else { throw unknownSource(source) }
  }

  static func unknownSource(_ source: String) -> ConfigError {
    ConfigError(
      file: ExperimentConfig.unlocated, keyPath: "data.source",
      message: "'\(source)' is not one of synthetic, real")
  }

  /// The fingerprint of the datasets a run reads (sorted paths and sizes).
  public func fingerprint(of folder: String) throws -> String {
    try DatasetFingerprint.short(of: folder)
  }
}
