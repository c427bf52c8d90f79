import Foundation
import Optim
import TensorCore
import Testing

@Suite struct OptimizerStateTests {
  /// Two parameters with fixed initial values.
  static func makeModel() -> ParameterSlab {
    let slab = ParameterSlab()
    let conv = slab.register("features.conv0.weight", shape: [2, 3])
    let bias = slab.register("classifier.bias", shape: [4])
    slab.setValue(conv, Tensor(shape: [2, 3]) { Float($0) * 0.3 - 0.7 })
    slab.setValue(bias, Tensor(shape: [4]) { 0.2 - Float($0) * 0.15 })
    return slab
  }

  /// The gradient at `step` (any fixed function of the step and the values).
  static func setGradients(_ slab: ParameterSlab, step: Int) {
    let values = slab.allValues
    let gradients = slab.allGradients
    for i in 0..<slab.count {
      gradients[i] = values[i] * 0.5 + Float((i * 5 + step * 3) % 7) * 0.05 - 0.15
    }
  }

  static let kinds = ["sgd", "sgd-nesterov", "adam", "adamw"]

  static func make(_ kind: String, _ slab: ParameterSlab) -> any Optimizer {
    switch kind {
    case "sgd": return SGD(slab: slab, options: SGD.Options(momentum: 0.9, dampening: 0.2))
    case "sgd-nesterov":
      return SGD(slab: slab, options: SGD.Options(momentum: 0.9, weightDecay: 1e-3, nesterov: true))
    case "adam": return Adam(slab: slab, options: Adam.Options(weightDecay: 1e-2))
    default: return Adam(slab: slab, options: .adamW(weightDecay: 0.05))
    }
  }

  static func run(_ optimizer: any Optimizer, steps: Range<Int>) {
    for step in steps {
      optimizer.slab.zeroGradients()
      setGradients(optimizer.slab, step: step)
      optimizer.step(lr: 0.05 / Float(step + 1))
    }
  }

  /// Five uninterrupted steps equal two steps, a save (values and state, through JSON), a fresh
  /// model and optimizer, a restore and three more steps, bit for bit.
  @Test(arguments: kinds)
  func flatSaveAndRestoreIsExact(kind: String) throws {
    let reference = Self.make(kind, Self.makeModel())
    Self.run(reference, steps: 0..<5)

    let first = Self.make(kind, Self.makeModel())
    Self.run(first, steps: 0..<2)
    let savedValues = Array(first.slab.allValues)
    let json = try JSONEncoder().encode(first.state())
    let state = try JSONDecoder().decode(OptimizerState.self, from: json)
    #expect(state.stepCount == 2)
    #expect(Set(state.slots.keys) == Set(first.slotNames))

    let slab = Self.makeModel()
    _ = slab.allValues.update(fromContentsOf: savedValues)
    let resumed = Self.make(kind, slab)
    try resumed.restore(state)
    Self.run(resumed, steps: 2..<5)
    #expect(resumed.stepCount == 5)
    #expect(Array(resumed.slab.allValues) == Array(reference.slab.allValues))
    #expect(resumed.state() == reference.state())
  }

  /// The checkpoint path: `/optimizer/<parameter name>/<slot>` through per-parameter views.
  @Test(arguments: kinds)
  func perParameterSaveAndRestoreIsExact(kind: String) throws {
    let reference = Self.make(kind, Self.makeModel())
    Self.run(reference, steps: 0..<4)

    let first = Self.make(kind, Self.makeModel())
    Self.run(first, steps: 0..<1)
    var file: [String: [Float]] = [:]
    for entry in first.slab.entries {
      let id = try #require(first.slab.id(of: entry.name))
      file["/model/\(entry.name)"] = Array(first.slab.values(id))
      for name in first.slotNames {
        let view = try #require(first.slot(name, of: id))
        #expect(view.count == entry.count)
        file["/optimizer/\(entry.name)/\(name)"] = Array(view)
      }
    }

    let slab = Self.makeModel()
    let resumed = Self.make(kind, slab)
    for entry in slab.entries {
      let id = try #require(slab.id(of: entry.name))
      _ = slab.values(id).update(fromContentsOf: try #require(file["/model/\(entry.name)"]))
      for name in resumed.slotNames {
        let values = try #require(file["/optimizer/\(entry.name)/\(name)"])
        try resumed.restoreSlot(name, of: id, values: values)
      }
    }
    resumed.stepCount = first.stepCount
    Self.run(resumed, steps: 1..<4)
    #expect(Array(resumed.slab.allValues) == Array(reference.slab.allValues))
  }

  @Test func restoreRejectsMismatchedState() throws {
    let adam = Adam(slab: Self.makeModel())
    var state = adam.state()
    #expect(Set(state.slots.keys) == ["exp_avg", "exp_avg_sq"])

    state.slots["exp_avg"] = [1, 2]
    #expect(
      throws: OptimizerStateError.wrongCount(
        slot: "exp_avg", parameter: nil, expected: 10, got: 2)
    ) { try adam.restore(state) }
    state.slots["exp_avg"] = nil
    #expect(throws: OptimizerStateError.missingSlot("exp_avg")) { try adam.restore(state) }
    state = adam.state()
    state.slots["momentum_buffer"] = [Float](repeating: 0, count: 10)
    #expect(throws: OptimizerStateError.self) { try adam.restore(state) }
    state = adam.state()
    state.stepCount = -1
    #expect(throws: OptimizerStateError.negativeStepCount(-1)) { try adam.restore(state) }

    let bias = try #require(adam.slab.id(of: "classifier.bias"))
    #expect(
      throws: OptimizerStateError.wrongCount(
        slot: "exp_avg_sq", parameter: "classifier.bias", expected: 4, got: 3)
    ) {
      try adam.restoreSlot("exp_avg_sq", of: bias, values: [1, 2, 3])
    }
    #expect(throws: OptimizerStateError.self) {
      try adam.restoreSlot("momentum_buffer", of: bias, values: [1, 2, 3, 4])
    }
    // A failed restore leaves the state untouched.
    #expect(adam.state() == Adam(slab: Self.makeModel()).state())
  }
}
