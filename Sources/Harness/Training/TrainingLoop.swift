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

  /// Where this process's steps spent their time, after the first (warm-up) step.
  struct Timing {
    /// Steps timed.
    var steps = 0
    /// Images of the global batches of those steps.
    var images = 0
    /// Seconds in the steps (forward, backward, exchanges, update) and waiting for batches.
    var stepSeconds = 0.0
    var waitSeconds = 0.0
    /// The exchanges of those steps.
    var communication = CommunicationTally()

    /// One line for the run's log: step time, img/s, and what the exchanges cost.
    var summary: String {
      let n = Double(max(1, steps))
      let perStep = communication.perStep(steps)
      return String(
        format: "timing of %d steps: %.3f s/step (%.1f img/s), %.3f s/step waiting for batches; "
          + "exchanges %.3f s/step (%.1f%%), %.3f MB received per step, %d collectives per step "
          + "(volume %.3f MB gathered, %.3f MB of gradients summed)",
        steps, stepSeconds / n, Double(images) / max(stepSeconds, 1e-9), waitSeconds / n,
        perStep.seconds, 100 * communication.seconds / max(stepSeconds, 1e-9),
        Double(perStep.receivedBytes) / 1e6, perStep.collectives,
        Double(perStep.gatheredBytes) / 1e6, Double(perStep.reducedBytes) / 1e6)
    }
  }

  /// Runs from `state.step` to the configured iterations.
  ///
  /// - Returns: where the steps of this process spent their time.
  /// - Throws: `TrainingInterrupted` after saving a checkpoint when a signal arrived; any
  ///   error of a batch or a step.
  @discardableResult
  func run(source: PrefetchingBatchSource, log: RunLog?, step: (Batch) throws -> StepResult)
    throws -> Timing
  {
    let train = config.train
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let primary = exchange.plan.rank == 0
    var timing = Timing()
    var stepsHere = 0
    while state.step < train.iterations {
      let waitStart = Date()
      // A signal to any process stops them all at the same step.
      let signal = exchange.maximum(StopSignal.take() ?? 0)
      if signal != 0 {
        if primary { try store.save(state, metadata: metadata()) }
        throw TrainingInterrupted(signal: signal, step: state.step)
      }
      let batch = try source.next()
      checkPrecondition(
        batch.step == state.step, "TrainingLoop: batch of step \(batch.step) at step \(state.step)")
      let stepStart = Date()
      let exchanged = CommunicationMeter.tally
      let result = try step(batch)
      stepsHere += 1
      if stepsHere > 1 {
        timing.steps += 1
        timing.images += batch.indices.count
        timing.waitSeconds += stepStart.timeIntervalSince(waitStart)
        timing.stepSeconds += Date().timeIntervalSince(stepStart)
        timing.communication += CommunicationMeter.tally - exchanged
      }
      state.step += 1
      if let sampler = batch.samplerState { state.samplerState = try encoder.encode(sampler) }
      log?.step(
        state.step, images: batch.indices.count, metrics: result,
        logging: state.step % train.logEvery == 0 || state.step == train.iterations)
      if primary && (state.step % train.checkpointEvery == 0 || state.step == train.iterations) {
        try store.save(state, metadata: metadata())
      }
    }
    return timing
  }
}
