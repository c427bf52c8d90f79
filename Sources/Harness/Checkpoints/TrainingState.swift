import Foundation
import Optim
import TensorCore

/// Everything a training run needs to continue exactly where it stopped: parameters, BN
/// buffers, optimizer slots and step count, every random stream, the sampler's position and
/// the step.
public final class TrainingState {
  /// The trained parameters (with gradients).
  public let parameters: ParameterSlab
  /// Non-trained tensors: BN running statistics and batch counters.
  public let buffers: ParameterSlab
  /// The optimizer whose slots and step count are saved.
  public let optimizer: any Optimizer
  /// The run's named random streams.
  public var streams: RandomStreams
  /// The sampler's state, encoded by the sampler (JSON).
  public var samplerState: Data
  /// Completed training steps.
  public var step: Int
  /// Counts a task accumulates between logging steps (a parsing run's confusion matrix of
  /// the batches since the last logged step), empty at a logging step: checkpointed, so a
  /// resumed run logs what an uninterrupted one does.
  public var logWindow: [Int64] = []

  /// A state over the given model and optimizer, at step 0.
  public init(
    parameters: ParameterSlab, buffers: ParameterSlab, optimizer: any Optimizer,
    streams: RandomStreams, samplerState: Data = Data()
  ) {
    self.parameters = parameters
    self.buffers = buffers
    self.optimizer = optimizer
    self.streams = streams
    self.samplerState = samplerState
    step = 0
  }
}

/// What a checkpoint says about itself (its root attributes).
public struct CheckpointMetadata: Codable, Equatable, Sendable {
  /// The checkpoint layout version (`CheckpointStore.formatVersion`).
  public var formatVersion: Int
  public var runID: String
  public var step: Int
  /// The resolved configuration as YAML.
  public var config: String
  /// The BLAS kernel family and thread count the run computed with.
  public var blasCore: String
  public var blasThreads: Int

  /// Metadata of a checkpoint.
  public init(
    formatVersion: Int = CheckpointStore.formatVersion, runID: String, step: Int, config: String,
    blasCore: String, blasThreads: Int
  ) {
    self.formatVersion = formatVersion
    self.runID = runID
    self.step = step
    self.config = config
    self.blasCore = blasCore
    self.blasThreads = blasThreads
  }
}
