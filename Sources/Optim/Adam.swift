import TensorCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Adam and AdamW with the exact semantics of `torch.optim.Adam` and `torch.optim.AdamW`
/// (single-tensor path, no amsgrad).
///
/// Per scalar, at step t (1-based), with `g` the gradient and `p` the value:
///
///     Adam:  g = g + wd * p                        (L2, if wd != 0)
///     AdamW: p = p * (1 - lr * wd)                 (decoupled, before the update)
///     m = lerp(m, g, 1 - beta1)                    (PyTorch's `exp_avg.lerp_`)
///     v = v * beta2 + (1 - beta2) * g * g
///     stepSize = lr / (1 - beta1^t)
///     denom = sqrt(v) / sqrt(1 - beta2^t) + eps
///     p = p + (-stepSize) * m / denom
///
/// The bias corrections are computed in Double, like PyTorch's Python floats, and rounded to
/// Float where PyTorch applies them. The slots are `exp_avg` (m) and `exp_avg_sq` (v).
public final class Adam: Optimizer {
  /// How weight decay is applied.
  public enum WeightDecayMode: String, Sendable, Equatable, Codable {
    /// Added to the gradient, `g += wd * p` (torch.optim.Adam).
    case l2
    /// Decoupled, `p *= 1 - lr * wd` before the update (torch.optim.AdamW).
    case decoupled
  }

  /// The hyperparameters other than the learning rate (which each `step` receives).
  public struct Options: Sendable, Equatable, Codable {
    /// The decay of the first moment.
    public var beta1: Float
    /// The decay of the second moment.
    public var beta2: Float
    /// Added to the bias-corrected sqrt(v).
    public var eps: Float
    /// The weight decay.
    public var weightDecay: Float
    /// L2 (Adam) or decoupled (AdamW) weight decay.
    public var weightDecayMode: WeightDecayMode

    /// Options from their values; the defaults are torch.optim.Adam's.
    public init(
      beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0,
      weightDecayMode: WeightDecayMode = .l2
    ) {
      self.beta1 = beta1
      self.beta2 = beta2
      self.eps = eps
      self.weightDecay = weightDecay
      self.weightDecayMode = weightDecayMode
    }

    /// torch.optim.AdamW's defaults: decoupled decay 0.01.
    public static func adamW(
      beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01
    ) -> Options {
      Options(
        beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
        weightDecayMode: .decoupled)
    }
  }

  /// The name of the first-moment slot (PyTorch's state key).
  public static let firstMomentSlot = "exp_avg"
  /// The name of the second-moment slot (PyTorch's state key).
  public static let secondMomentSlot = "exp_avg_sq"

  /// The parameters this optimizer updates.
  public let slab: ParameterSlab
  /// The hyperparameters.
  public let options: Options
  /// The per-parameter multipliers, if any.
  public let groups: ParameterGroups?
  /// The number of completed steps.
  public var stepCount = 0
  private let parameterCount: Int
  private let firstMoment: AlignedBuffer
  private let secondMoment: AlignedBuffer

  /// An optimizer for every parameter of `slab`, which must be complete.
  public init(slab: ParameterSlab, options: Options = Options(), groups: ParameterGroups? = nil) {
    checkPrecondition(slab.hasGradients, "Adam: the slab keeps no gradients")
    checkPrecondition(
      options.beta1 >= 0 && options.beta1 < 1 && options.beta2 >= 0 && options.beta2 < 1,
      "Adam: betas must be in [0, 1), got \(options.beta1), \(options.beta2)")
    self.slab = slab
    self.options = options
    self.groups = groups
    parameterCount = slab.count
    firstMoment = AlignedBuffer(count: slab.count)
    secondMoment = AlignedBuffer(count: slab.count)
  }

  /// `["exp_avg", "exp_avg_sq"]`.
  public var slotNames: [String] { [Adam.firstMomentSlot, Adam.secondMomentSlot] }

  /// The moment buffer called `name`, nil for another name.
  public func slot(_ name: String) -> UnsafeMutableBufferPointer<Float>? {
    switch name {
    case Adam.firstMomentSlot: return firstMoment.buffer
    case Adam.secondMomentSlot: return secondMoment.buffer
    default: return nil
    }
  }

  /// Applies one update with learning rate `lr` (times each parameter's multiplier).
  public func step(lr: Float) {
    checkPrecondition(
      slab.count == parameterCount,
      "Adam: the slab has \(slab.count) scalars, \(parameterCount) when the optimizer was made")
    let t = Double(stepCount + 1)
    let biasCorrection1 = 1 - pow(Double(options.beta1), t)
    let biasCorrection2 = 1 - pow(Double(options.beta2), t)
    let correction2Sqrt = Float(biasCorrection2.squareRoot())
    let values = slab.allValues
    let gradients = slab.allGradients
    let m = firstMoment.buffer
    let v = secondMoment.buffer
    let weight = Float(1 - Double(options.beta1))  // lerp weight
    let beta2 = options.beta2
    let oneMinusBeta2 = Float(1 - Double(beta2))
    let eps = options.eps
    let decoupled = options.weightDecayMode == .decoupled
    for segment in ParameterSegment.segments(slab, groups) {
      let lrSegment = lr * segment.multipliers.learningRate
      let weightDecay = options.weightDecay * segment.multipliers.weightDecay
      let negativeStepSize = Float(-(Double(lrSegment) / biasCorrection1))
      let decay = Float(1 - Double(lrSegment) * Double(weightDecay))
      for i in segment.range {
        var g = gradients[i]
        var p = values[i]
        if weightDecay != 0 {
          if decoupled { p = p * decay } else { g = g + weightDecay * p }
        }
        // ATen's lerp: self + w (end - self) for |w| < 0.5, else end - (end - self)(1 - w).
        let mi = weight < 0.5 ? m[i] + weight * (g - m[i]) : g - (g - m[i]) * (1 - weight)
        let vi = v[i] * beta2 + oneMinusBeta2 * g * g
        m[i] = mi
        v[i] = vi
        let denominator = vi.squareRoot() / correction2Sqrt + eps
        values[i] = p + negativeStepSize * mi / denominator
      }
    }
    stepCount += 1
  }
}
