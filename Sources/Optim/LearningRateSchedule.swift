import TensorCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An iteration-based learning-rate schedule: a base rate, a decay shape and an optional linear
/// warm-up. Deterministic, computed in Double and rounded to Float.
///
/// `lr(at: t) = baseLR * decay(t) * warmup(t)` for the 0-based iteration `t`. The warm-up factor
/// rises linearly from `startFactor` at t = 0 to 1 at t = `iterations` and is 1 afterwards; it
/// multiplies the decayed rate (the `WarmupMultiStepLR` of reid-strong-baseline and
/// Detectron2), so after the warm-up the schedule is exactly the base schedule.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
  /// The shape of the decay, a factor of the base rate.
  public enum Decay: Sendable, Equatable, Codable {
    /// No decay.
    case constant
    /// `gamma^k` where k is the number of milestones <= t (PyTorch `MultiStepLR`).
    case multiStep(milestones: [Int], gamma: Float)
    /// `gamma^(t / stepSize)`, integer division (PyTorch `StepLR`).
    case step(stepSize: Int, gamma: Float)
    /// `(1 - t / totalIterations)^power`, 0 from `totalIterations` on (PyTorch `PolynomialLR`).
    case poly(totalIterations: Int, power: Float)
    /// Cosine from the base rate at t = 0 to `minimumLR` at t = `totalIterations`, then
    /// `minimumLR` (PyTorch `CosineAnnealingLR`'s closed form with `eta_min`).
    case cosine(totalIterations: Int, minimumLR: Float)
  }

  /// A linear warm-up.
  public struct Warmup: Sendable, Equatable, Codable {
    /// The number of warm-up iterations W; the factor reaches 1 at t = W.
    public var iterations: Int
    /// The factor of the rate at t = 0.
    public var startFactor: Float

    /// A warm-up from `startFactor` to 1 over `iterations` iterations.
    public init(iterations: Int, startFactor: Float) {
      checkPrecondition(iterations >= 0, "Warmup: negative iterations \(iterations)")
      self.iterations = iterations
      self.startFactor = startFactor
    }
  }

  /// The base learning rate.
  public var baseLR: Float
  /// The decay shape.
  public var decay: Decay
  /// The optional warm-up.
  public var warmup: Warmup?

  /// A schedule from its parts.
  public init(baseLR: Float, decay: Decay = .constant, warmup: Warmup? = nil) {
    switch decay {
    case .step(let stepSize, _):
      checkPrecondition(
        stepSize > 0, "LearningRateSchedule: step size \(stepSize) must be positive")
    case .poly(let total, _), .cosine(let total, _):
      checkPrecondition(
        total > 0, "LearningRateSchedule: \(total) total iterations must be positive")
    case .constant, .multiStep: break
    }
    self.baseLR = baseLR
    self.decay = decay
    self.warmup = warmup
  }

  /// The learning rate at the 0-based iteration `iteration`.
  public func lr(at iteration: Int) -> Float {
    checkPrecondition(iteration >= 0, "LearningRateSchedule: negative iteration \(iteration)")
    let t = Double(iteration)
    let base = Double(baseLR)
    var rate: Double
    switch decay {
    case .constant:
      rate = base
    case .multiStep(let milestones, let gamma):
      let passed = milestones.filter { $0 <= iteration }.count
      rate = base * pow(Double(gamma), Double(passed))
    case .step(let stepSize, let gamma):
      rate = base * pow(Double(gamma), Double(iteration / stepSize))
    case .poly(let total, let power):
      let remaining = max(0, 1 - t / Double(total))
      rate = base * pow(remaining, Double(power))
    case .cosine(let total, let minimumLR):
      let progress = min(t, Double(total)) / Double(total)
      let low = Double(minimumLR)
      rate = low + (base - low) * (1 + cos(Double.pi * progress)) / 2
    }
    if let warmup, iteration < warmup.iterations {
      let alpha = t / Double(warmup.iterations)
      let start = Double(warmup.startFactor)
      rate *= start * (1 - alpha) + alpha
    }
    return Float(rate)
  }
}
