import Kernels
import TensorCore

/// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, with the
/// exact semantics of `torch.optim.SGD` (single-tensor path).
///
/// Per scalar, with `g` the gradient, `p` the value and `b` the momentum buffer:
///
///     g = g + wd * p                    (if wd != 0)
///     b = g                             (first step: PyTorch clones g, without dampening)
///     b = mu * b + (1 - dampening) * g  (later steps)
///     g = g + mu * b  (Nesterov)   or   g = b
///     p = p + (-lr) * g
///
/// The momentum buffer exists only when `momentum != 0`; it is the slot `momentum_buffer`.
/// Scalars are Float, as PyTorch rounds its Python-float hyperparameters when it applies them.
public final class SGD: Optimizer {
  /// The hyperparameters other than the learning rate (which each `step` receives).
  public struct Options: Sendable, Equatable, Codable {
    /// The momentum factor mu (0 disables momentum and its buffer).
    public var momentum: Float
    /// The dampening of the gradient added to the buffer after the first step.
    public var dampening: Float
    /// The L2 weight decay added to the gradient.
    public var weightDecay: Float
    /// Whether to use Nesterov momentum (needs momentum > 0 and dampening 0, as in PyTorch).
    public var nesterov: Bool

    /// Options from their values; the defaults are PyTorch's.
    public init(
      momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false
    ) {
      self.momentum = momentum
      self.dampening = dampening
      self.weightDecay = weightDecay
      self.nesterov = nesterov
    }
  }

  /// The name of the momentum slot (PyTorch's state key).
  public static let momentumSlot = "momentum_buffer"

  /// The parameters this optimizer updates.
  public let slab: ParameterSlab
  /// The hyperparameters.
  public let options: Options
  /// The per-parameter multipliers, if any.
  public let groups: ParameterGroups?
  /// The number of completed steps.
  public var stepCount = 0
  private let parameterCount: Int
  private let momentumBuffer: AlignedBuffer?

  /// An optimizer for every parameter of `slab`, which must be complete.
  public init(slab: ParameterSlab, options: Options, groups: ParameterGroups? = nil) {
    checkPrecondition(slab.hasGradients, "SGD: the slab keeps no gradients")
    checkPrecondition(
      !options.nesterov || (options.momentum > 0 && options.dampening == 0),
      "SGD: Nesterov momentum requires momentum > 0 and zero dampening, got \(options)")
    self.slab = slab
    self.options = options
    self.groups = groups
    parameterCount = slab.count
    momentumBuffer = options.momentum != 0 ? AlignedBuffer(count: slab.count) : nil
  }

  /// `["momentum_buffer"]` with momentum, otherwise none.
  public var slotNames: [String] { momentumBuffer == nil ? [] : [SGD.momentumSlot] }

  /// The momentum buffer for `momentum_buffer`, nil otherwise.
  public func slot(_ name: String) -> UnsafeMutableBufferPointer<Float>? {
    name == SGD.momentumSlot ? momentumBuffer?.buffer : nil
  }

  /// Applies one SGD update with learning rate `lr` (times each parameter's multiplier).
  ///
  /// Each segment's scalars are split over `KernelThreads` (the update is elementwise, so the
  /// bits do not depend on the split): it took 11-16 ms of an Inception-V3 step on one thread
  /// on the Zen 4, with the other core idle, and 8-10 ms on two.
  public func step(lr: Float) {
    checkPrecondition(
      slab.count == parameterCount,
      "SGD: the slab has \(slab.count) scalars, \(parameterCount) when the optimizer was made")
    nonisolated(unsafe) let values = slab.allValues
    nonisolated(unsafe) let gradients = slab.allGradients
    nonisolated(unsafe) let buffer = momentumBuffer?.buffer
    let rule = Rule(options: options, first: stepCount == 0)
    for segment in ParameterSegment.segments(slab, groups) {
      let negativeLR = -(lr * segment.multipliers.learningRate)
      let weightDecay = options.weightDecay * segment.multipliers.weightDecay
      let range = segment.range
      // Five streams per scalar: value, gradient and momentum read, value and momentum written.
      KernelThreads.overRows(range.count, width: 5) { part in
        let scalars = range.lowerBound + part.lowerBound..<range.lowerBound + part.upperBound
        rule.update(
          values, gradients, buffer, scalars, negativeLR: negativeLR, weightDecay: weightDecay)
      }
    }
    stepCount += 1
  }

  /// The update of one scalar, as PyTorch's single-tensor SGD computes it.
  private struct Rule: Sendable {
    let momentum: Float
    let keep: Float
    let nesterov: Bool
    /// Whether this is the first step (the momentum buffer starts as the gradient).
    let first: Bool

    init(options: Options, first: Bool) {
      momentum = options.momentum
      keep = 1 - options.dampening
      nesterov = options.nesterov
      self.first = first
    }

    /// Updates values[range] (and the momentum buffer, if any).
    func update(
      _ values: UnsafeMutableBufferPointer<Float>, _ gradients: UnsafeMutableBufferPointer<Float>,
      _ buffer: UnsafeMutableBufferPointer<Float>?, _ range: Range<Int>, negativeLR: Float,
      weightDecay: Float
    ) {
      guard let buffer else {
        for i in range {
          var g = gradients[i]
          if weightDecay != 0 { g = g + weightDecay * values[i] }
          values[i] = values[i] + negativeLR * g
        }
        return
      }
      for i in range {
        var g = gradients[i]
        if weightDecay != 0 { g = g + weightDecay * values[i] }
        let b = first ? g : buffer[i] * momentum + keep * g
        buffer[i] = b
        g = nesterov ? g + momentum * b : b
        values[i] = values[i] + negativeLR * g
      }
    }
  }
}
