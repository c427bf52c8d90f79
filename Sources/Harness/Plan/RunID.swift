import Crypto
import Foundation

/// The content-derived identity of a trained run.
///
/// id = the first 12 hex digits of SHA-256 over: the trainer format version, the canonical JSON
/// of the resolved configuration without its evaluation settings, the dataset fingerprint, and
/// the ids of the runs it depends on. Evaluation choices (readouts, re-ranking) are not in it,
/// so every readout of Table 1 shares one trained model. The git commit is recorded in the
/// manifest, not hashed: a refactor that keeps the bits keeps the cache.
public enum RunID {
  /// Bumped whenever the trainer's arithmetic or checkpoint format changes the results.
  ///
  /// 3: `blas.conv` (default `direct`, the direct convolution kernels) is hashed.
  /// 4: under `blas.conv: direct`, 1x1 convolutions run their forward and input gradient on
  /// the direct kernels too (`DirectConvolution.prefersIm2col`).
  public static let trainerFormatVersion = 4

  /// The canonical text that is hashed (also written into the manifest for inspection).
  public static func canonicalText(
    config: ExperimentConfig, datasetFingerprint: String, dependencies: [String: String]
  ) -> String {
    struct Hashed: Encodable {
      var format: Int
      var seed: UInt64
      var blas: BLASConfig
      var data: DataConfig
      var model: ModelConfig
      var train: TrainConfig.Hashed
      var initialization: InitConfig
      var datasetFingerprint: String
      var dependencies: [String: String]
    }
    let hashed = Hashed(
      format: trainerFormatVersion, seed: config.seed, blas: config.blas,
      data: config.data,
      model: config.model, train: TrainConfig.Hashed(train: config.train),
      initialization: config.initialization,
      datasetFingerprint: datasetFingerprint, dependencies: dependencies)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding plain structs of numbers, strings and arrays cannot fail.
    let data = (try? encoder.encode(hashed)) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  /// The run id for a resolved configuration.
  public static func make(
    config: ExperimentConfig, datasetFingerprint: String, dependencies: [String: String] = [:]
  ) -> String {
    let text = canonicalText(
      config: config, datasetFingerprint: datasetFingerprint, dependencies: dependencies)
    return hexDigest(Data(text.utf8)).prefix(12).description
  }

  /// The SHA-256 of `data` as lowercase hex.
  public static func hexDigest(_ data: Data) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }
}
