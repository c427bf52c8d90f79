import Optim
import TensorCore

/// The optimizer and learning-rate schedule a training configuration names.
enum OptimizerFactory {
  /// The optimizer over `parameters`; parameters whose name starts with a frozen prefix get
  /// a zero learning rate and no weight decay, so they stay bit-identical.
  static func make(
    _ config: TrainConfig, parameters: ParameterSlab, frozenPrefixes: [String]
  ) throws -> any Optimizer {
    let groups = ParameterGroups(slab: parameters) { entry in
      frozenPrefixes.contains { entry.name.hasPrefix($0) }
        ? ParameterMultipliers(learningRate: 0, weightDecay: 0) : ParameterMultipliers()
    }
    let o = config.optimizer
    switch o.name {
    case "sgd":
      return SGD(
        slab: parameters,
        options: .init(momentum: o.momentum, weightDecay: o.weightDecay, nesterov: o.nesterov),
        groups: groups)
    case "adam", "adamw":
      return Adam(
        slab: parameters,
        options: .init(
          beta1: o.beta1, beta2: o.beta2, weightDecay: o.weightDecay,
          weightDecayMode: o.name == "adam" ? .l2 : .decoupled),
        groups: groups)
    default:
      throw ConfigError(
        file: ExperimentConfig.unlocated, keyPath: "train.optimizer.name",
        message: "'\(o.name)' is not one of sgd, adam, adamw")
    }
  }

  /// The learning-rate schedule.
  static func schedule(_ config: TrainConfig) throws -> LearningRateSchedule {
    let s = config.schedule
    let decay: LearningRateSchedule.Decay
    switch s.decay {
    case "constant": decay = .constant
    case "multistep": decay = .multiStep(milestones: s.milestones, gamma: s.gamma)
    case "poly": decay = .poly(totalIterations: config.iterations, power: s.power)
    case "cosine": decay = .cosine(totalIterations: config.iterations, minimumLR: s.minimumLR)
    default:
      throw ConfigError(
        file: ExperimentConfig.unlocated, keyPath: "train.schedule.decay",
        message: "'\(s.decay)' is not one of constant, multistep, poly, cosine")
    }
    let warmup =
      s.warmupIterations > 0
      ? LearningRateSchedule.Warmup(iterations: s.warmupIterations, startFactor: s.warmupFactor)
      : nil
    return LearningRateSchedule(baseLR: config.optimizer.lr, decay: decay, warmup: warmup)
  }
}
