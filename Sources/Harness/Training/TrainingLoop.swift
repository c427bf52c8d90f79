import Foundation
import Kernels
import ReIDData
import TensorCore

/// The loop shared by both tasks: batches from a prefetching source, one step each,
/// metrics every `log_every` steps, checkpoints every `checkpoint_every` steps, at the end and
/// on SIGINT/SIGTERM.
struct TrainingLoop {
  let runID: String
  let config: ExperimentConfig
  let configText: String
  let store: CheckpointStore
  let state: TrainingState
  /// The processes computing the run's shards: they stop together, and only rank 0 writes.
  let exchange: any ShardExchange

  /// One step's scalar results; `images` counts the batch for img/s.
  typealias StepResult = [String: Double]

  func metadata() -> CheckpointMetadata {
    CheckpointMetadata(
      runID: runID, step: state.step, config: configText, blasCore: BLAS.coreName,
      blasThreads: BLAS.threads)
  }

  /// Runs from `state.step` to the configured iterations.
  ///
  /// - Throws: `TrainingInterrupted` after saving a checkpoint when a signal arrived; any
  ///   error of a batch or a step.
  func run(source: PrefetchingBatchSource, log: RunLog?, step: (Batch) throws -> StepResult)
    throws
  {
    let train = config.train
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let primary = exchange.plan.rank == 0
    while state.step < train.iterations {
      // A signal to any process stops them all at the same step.
      let signal = exchange.maximum(StopSignal.take() ?? 0)
      if signal != 0 {
        if primary { try store.save(state, metadata: metadata()) }
        throw TrainingInterrupted(signal: signal, step: state.step)
      }
      let batch = try source.next()
      checkPrecondition(
        batch.step == state.step, "TrainingLoop: batch of step \(batch.step) at step \(state.step)")
      var result = try step(batch)
      state.step += 1
      if let sampler = batch.samplerState { state.samplerState = try encoder.encode(sampler) }
      if state.step % train.logEvery == 0 || state.step == train.iterations {
        result["images"] = Double(batch.indices.count)
        log?.record(step: state.step, metrics: result)
      }
      if primary && (state.step % train.checkpointEvery == 0 || state.step == train.iterations) {
        try store.save(state, metadata: metadata())
      }
    }
  }
}
