import TensorCore

/// The learning-rate and weight-decay multipliers of one parameter.
public struct ParameterMultipliers: Sendable, Equatable, Codable {
  /// Multiplies the base learning rate.
  public var learningRate: Float
  /// Multiplies the optimizer's weight decay (0 exempts the parameter, for example BN and bias).
  public var weightDecay: Float

  /// Multipliers from their values (1 and 1 leave the parameter as the optimizer's options say).
  public init(learningRate: Float = 1, weightDecay: Float = 1) {
    self.learningRate = learningRate
    self.weightDecay = weightDecay
  }
}

/// Per-parameter multipliers, the part of PyTorch's parameter groups the trainer uses: for
/// example no weight decay on batch-norm and bias tensors, or a larger rate for a new head.
public struct ParameterGroups: Sendable, Equatable {
  /// One entry per registered parameter, indexed by `ParameterID.index`.
  public var multipliers: [ParameterMultipliers]

  /// Multipliers for every parameter of `slab`, chosen by `rule` from its entry (name, shape).
  public init(slab: ParameterSlab, rule: (ParameterEntry) -> ParameterMultipliers) {
    multipliers = slab.entries.map(rule)
  }

  /// The multipliers of parameter `id`.
  public subscript(id: ParameterID) -> ParameterMultipliers {
    get { multipliers[id.index] }
    set { multipliers[id.index] = newValue }
  }

  /// No weight decay on tensors named `*.bias` or of rank 1 (batch-norm scales and shifts).
  public static func noDecayOnBiasAndNorm(_ slab: ParameterSlab) -> ParameterGroups {
    ParameterGroups(slab: slab) { entry in
      let exempt = entry.name.hasSuffix(".bias") || entry.shape.rank <= 1
      return ParameterMultipliers(weightDecay: exempt ? 0 : 1)
    }
  }
}

/// A contiguous range of the flat slab whose parameters share multipliers.
struct ParameterSegment: Equatable {
  var range: Range<Int>
  var multipliers: ParameterMultipliers

  /// The maximal runs of consecutive parameters with equal multipliers (the whole slab as one
  /// segment without groups).
  static func segments(_ slab: ParameterSlab, _ groups: ParameterGroups?) -> [ParameterSegment] {
    guard let groups else {
      return [ParameterSegment(range: 0..<slab.count, multipliers: ParameterMultipliers())]
    }
    checkPrecondition(
      groups.multipliers.count == slab.entries.count,
      "ParameterGroups: \(groups.multipliers.count) multipliers for \(slab.entries.count) "
        + "parameters")
    var result: [ParameterSegment] = []
    for (index, entry) in slab.entries.enumerated() {
      let m = groups.multipliers[index]
      let range = entry.offset..<(entry.offset + entry.count)
      if let last = result.last, last.multipliers == m, last.range.upperBound == range.lowerBound {
        result[result.count - 1].range = last.range.lowerBound..<range.upperBound
      } else {
        result.append(ParameterSegment(range: range, multipliers: m))
      }
    }
    return result
  }
}
