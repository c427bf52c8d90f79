import Optim
import TensorCore
import Testing

/// A slab with one parameter `w` holding `OptimizerFixtures.initial`.
func makeSlab() -> (ParameterSlab, ParameterID) {
  let slab = ParameterSlab()
  let id = slab.register("w", shape: [3])
  slab.setValue(id, Tensor(shape: [3], scalars: OptimizerFixtures.initial))
  return (slab, id)
}

/// Runs the four fixture steps and compares the values after each with `expected`.
func expectSteps(
  _ optimizer: some Optimizer, lr: Float, _ expected: [[Double]], tolerance: Double = 2e-6,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let slab = optimizer.slab
  for (step, gradient) in OptimizerFixtures.gradients.enumerated() {
    slab.zeroGradients()
    _ = slab.allGradients.update(fromContentsOf: gradient)
    optimizer.step(lr: lr)
    #expect(optimizer.stepCount == step + 1, sourceLocation: sourceLocation)
    for i in 0..<3 {
      let got = Double(slab.allValues[i])
      #expect(
        abs(got - expected[step][i]) <= tolerance,
        "step \(step + 1), scalar \(i): \(got) vs \(expected[step][i])",
        sourceLocation: sourceLocation)
    }
  }
}

@Suite struct SGDTests {
  @Test func momentum() {
    let (slab, _) = makeSlab()
    let sgd = SGD(slab: slab, options: SGD.Options(momentum: 0.9))
    expectSteps(sgd, lr: 0.1, OptimizerFixtures.sgdMomentum)
  }

  @Test func nesterovWithWeightDecay() {
    let (slab, _) = makeSlab()
    let sgd = SGD(
      slab: slab, options: SGD.Options(momentum: 0.9, weightDecay: 5e-4, nesterov: true))
    expectSteps(sgd, lr: 0.1, OptimizerFixtures.sgdNesterovDecay)
  }

  @Test func dampeningSkipsTheFirstStep() {
    let (slab, _) = makeSlab()
    let options = SGD.Options(momentum: 0.9, dampening: 0.1, weightDecay: 1e-2)
    expectSteps(SGD(slab: slab, options: options), lr: 0.05, OptimizerFixtures.sgdDampenedDecay)
  }

  @Test func plainWithWeightDecayHasNoSlots() {
    let (slab, id) = makeSlab()
    let sgd = SGD(slab: slab, options: SGD.Options(weightDecay: 1e-2))
    #expect(sgd.slotNames.isEmpty)
    #expect(sgd.slot(SGD.momentumSlot) == nil)
    #expect(sgd.slot(SGD.momentumSlot, of: id) == nil)
    expectSteps(sgd, lr: 0.1, OptimizerFixtures.sgdPlainDecay)
  }
}

@Suite struct AdamTests {
  @Test func adam() {
    let (slab, _) = makeSlab()
    expectSteps(Adam(slab: slab), lr: 1e-2, OptimizerFixtures.adam)
  }

  @Test func adamWithL2() {
    let (slab, _) = makeSlab()
    let adam = Adam(slab: slab, options: Adam.Options(weightDecay: 0.1))
    expectSteps(adam, lr: 1e-2, OptimizerFixtures.adamL2)
  }

  @Test func adamW() {
    let (slab, _) = makeSlab()
    let adam = Adam(slab: slab, options: .adamW(weightDecay: 0.1))
    expectSteps(adam, lr: 1e-2, OptimizerFixtures.adamW)
  }

  @Test func otherBetas() {
    let (slab, _) = makeSlab()
    let adam = Adam(slab: slab, options: Adam.Options(beta1: 0.5, beta2: 0.9, eps: 1e-3))
    expectSteps(adam, lr: 3e-3, OptimizerFixtures.adamBetas)
  }
}

@Suite struct ParameterGroupTests {
  /// Parameter `a.weight` (2, 2) is plain; `a.bias` (2) has no decay and twice the rate. The
  /// result must match two separate optimizers given those settings directly, bit for bit.
  @Test(arguments: ["sgd", "adamw"])
  func multipliersMatchSeparateOptimizers(kind: String) {
    let weights: [Float] = [0.5, -1, 2, 0.25]
    let bias: [Float] = [0.1, -0.3]
    let slab = ParameterSlab()
    let w = slab.register("a.weight", shape: [2, 2])
    let b = slab.register("a.bias", shape: [2])
    slab.setValue(w, Tensor(shape: [2, 2], scalars: weights))
    slab.setValue(b, Tensor(shape: [2], scalars: bias))
    var groups = ParameterGroups.noDecayOnBiasAndNorm(slab)
    groups[b].learningRate = 2
    #expect(groups[w] == ParameterMultipliers())

    let weightSlab = ParameterSlab()
    weightSlab.setValue(
      weightSlab.register("w", shape: [2, 2]), Tensor(shape: [2, 2], scalars: weights))
    let biasSlab = ParameterSlab()
    biasSlab.setValue(biasSlab.register("b", shape: [2]), Tensor(shape: [2], scalars: bias))

    func make(_ slab: ParameterSlab, decay: Float, groups: ParameterGroups?) -> any Optimizer {
      kind == "sgd"
        ? SGD(
          slab: slab, options: SGD.Options(momentum: 0.9, weightDecay: decay, nesterov: true),
          groups: groups)
        : Adam(slab: slab, options: .adamW(weightDecay: decay), groups: groups)
    }
    let grouped = make(slab, decay: 0.05, groups: groups)
    let weightOnly = make(weightSlab, decay: 0.05, groups: nil)
    let biasOnly = make(biasSlab, decay: 0, groups: nil)
    let lr: Float = 0.01
    for step in 0..<3 {
      let g = (0..<6).map { Float(($0 * 7 + step * 3) % 5) * 0.1 - 0.2 }
      _ = slab.allGradients.update(fromContentsOf: g)
      _ = weightSlab.allGradients.update(fromContentsOf: g[0..<4])
      _ = biasSlab.allGradients.update(fromContentsOf: g[4..<6])
      grouped.step(lr: lr)
      weightOnly.step(lr: lr)
      biasOnly.step(lr: 2 * lr)
    }
    #expect(Array(slab.values(w)) == Array(weightSlab.allValues))
    #expect(Array(slab.values(b)) == Array(biasSlab.allValues))
  }
}
