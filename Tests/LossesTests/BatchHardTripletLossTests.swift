import Losses
import TensorCore
import Testing
import _TestSupport

@Suite struct BatchHardTripletLossTests {
  /// Four 2-D points, two identities, margin 1.5, worked out by hand:
  ///
  ///     a0 = (0, 0) id 0    a1 = (0, 1) id 0    a2 = (3, 0) id 1    a3 = (3, 2) id 1
  ///     d01 = 1, d02 = 3, d03 = sqrt 13, d12 = d13 = sqrt 10 (a tie), d23 = 2
  ///     anchor 0: ap = d01 = 1, an = d02 = 3           -> 1.5 + 1 - 3 < 0, inactive
  ///     anchor 1: ap = 1, an = d12 = sqrt 10 (tie, lowest index 2) -> inactive
  ///     anchor 2: ap = d23 = 2, an = d20 = 3           -> 0.5
  ///     anchor 3: ap = d32 = 2, an = d31 = sqrt 10     -> 3.5 - sqrt 10
  ///     loss = (4 - sqrt 10) / 4
  ///
  /// Gradients (1/4 per active anchor; d d(a, b)/da = (a - b)/d):
  ///     anchor 2: g2 += ((a2 - a3)/2 - (a2 - a0)/3)/4 = (-1, -1)/4, g3 -= (a2 - a3)/8 = (0, 1/4),
  ///               g0 += (a2 - a0)/12 = (1/4, 0)
  ///     anchor 3: g3 += ((a3 - a2)/2 - (a3 - a1)/sqrt 10)/4, g2 -= (a3 - a2)/8 = (0, -1/4),
  ///               g1 += (a3 - a1)/(4 sqrt 10) = (3, 1)/(4 sqrt 10)
  ///     g0 = (1/4, 0), g1 = (3, 1)/(4 sqrt 10), g2 = (-1/4, -1/2),
  ///     g3 = (-3/(4 sqrt 10), 1/2 - 1/(4 sqrt 10))
  @Test func handComputedFourPoints() {
    let x = Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 3, 0, 3, 2])
    let labels = [7, 7, 3, 3]
    let loss = BatchHardTripletLoss(margin: 1.5)
    let (value, cache) = loss.forward(embeddings: x, labels: labels)
    let r10 = Double(10).squareRoot()
    #expect(abs(Double(value) - (4 - r10) / 4) < 1e-6)
    #expect(cache.hardestPositive == [1, 0, 3, 2])
    #expect(cache.hardestNegative == [2, 2, 0, 1])
    #expect(cache.active == [false, false, true, true])
    #expect(cache.statistics.activeFraction == 0.5)
    #expect(abs(cache.statistics.meanPositiveDistance - 1.5) < 1e-6)
    #expect(abs(Double(cache.statistics.meanNegativeDistance) - (6 + 2 * r10) / 4) < 1e-6)

    var gradient = Tensor(shape: [4, 2])
    loss.backward(embeddings: x, cache: cache, embeddingsGradient: &gradient)
    let expected: [Double] = [
      0.25, 0, 3 / (4 * r10), 1 / (4 * r10), -0.25, -0.5, -3 / (4 * r10), 0.5 - 1 / (4 * r10),
    ]
    for (g, e) in zip(gradient.scalars, expected) { #expect(abs(Double(g) - e) < 1e-6) }
  }

  @Test func matchesReferenceAndGradientCheck() {
    // P = 4 identities x K = 3 images, D = 37 (SIMD body plus a scalar tail).
    let labels = [5, 5, 5, 1, 1, 1, 9, 9, 9, 2, 2, 2]
    let x = Fixtures.uniform([12, 37], seed: 3, name: "triplet")
    for margin: Float in [0.3, 0.1, 2.0] {
      let loss = BatchHardTripletLoss(margin: margin)
      let (value, cache) = loss.forward(embeddings: x, labels: labels)
      let reference = LossReference.batchHardTriplet(
        embeddings: x, labels: labels, margin: Double(margin))
      #expect(abs(Double(value) - reference) <= 1e-5 * max(1, abs(reference)))
      #expect(cache.active.contains(true))

      let upstream: Float = 0.7
      let initial = Fixtures.uniform([12, 37], seed: 4, name: "initial gradient")
      var gradient = initial
      loss.backward(
        embeddings: x, cache: cache, upstream: upstream, embeddingsGradient: &gradient)
      let analytic = Tensor(shape: x.shape) { gradient[flat: $0] - initial[flat: $0] }
      var probe = x
      let result = GradientChecker.check(&probe, analytic: analytic, epsilon: 1e-3) {
        Double(upstream)
          * LossReference.batchHardTriplet(embeddings: $0, labels: labels, margin: Double(margin))
      }
      #expect(result.passed, "margin \(margin): \(result)")
    }
  }

  @Test func identicalEmbeddingsGiveFiniteGradient() {
    // Every embedding equal: all distances are clamped, d = 1e-6, every hinge is the margin.
    let x = Tensor(shape: [4, 3], repeating: 0.25)
    let loss = BatchHardTripletLoss(margin: 0.3)
    let (value, cache) = loss.forward(embeddings: x, labels: [0, 0, 1, 1])
    #expect(abs(value - 0.3) < 1e-6)
    #expect(cache.hardestPositive == [0, 0, 2, 2])
    #expect(cache.hardestNegative == [2, 2, 0, 0])
    var gradient = Tensor(shape: [4, 3])
    loss.backward(embeddings: x, cache: cache, embeddingsGradient: &gradient)
    #expect(gradient.scalars.allSatisfy { $0.isFinite })
    #expect(gradient.scalars.allSatisfy { $0 == 0 })

    // One duplicate pair among distinct points: finite everywhere.
    let y = Tensor(shape: [4, 2], scalars: [0, 0, 0, 0, 1, 0, 0, 1])
    let (_, cacheY) = loss.forward(embeddings: y, labels: [0, 0, 1, 1])
    var gradientY = Tensor(shape: [4, 2])
    loss.backward(embeddings: y, cache: cacheY, embeddingsGradient: &gradientY)
    #expect(gradientY.scalars.allSatisfy { $0.isFinite })
  }

  @Test func backwardAccumulates() {
    let labels = [0, 0, 1, 1, 2, 2]
    let x = Fixtures.uniform([6, 20], seed: 8, name: "accumulate")
    let loss = BatchHardTripletLoss(margin: 1)
    let (_, cache) = loss.forward(embeddings: x, labels: labels)
    var once = Tensor(shape: x.shape)
    loss.backward(embeddings: x, cache: cache, embeddingsGradient: &once)
    var twice = Tensor(shape: x.shape)
    loss.backward(embeddings: x, cache: cache, embeddingsGradient: &twice)
    loss.backward(embeddings: x, cache: cache, embeddingsGradient: &twice)
    #expect(once.scalars.contains { $0 != 0 })
    // Each row receives several contributions, so twice is 2x once up to Float rounding.
    for i in 0..<x.count { #expect(abs(twice[flat: i] - 2 * once[flat: i]) < 1e-6) }
  }

  @Test func unsortedLabelsAndSingletons() {
    // Any labels work: identity 4 has a single image, whose hardest positive is itself.
    let labels = [3, 4, 3, 8, 8, 3]
    let x = Fixtures.uniform([6, 5], seed: 11, name: "singletons")
    let loss = BatchHardTripletLoss(margin: 0.5)
    let (value, cache) = loss.forward(embeddings: x, labels: labels)
    #expect(cache.hardestPositive[1] == 1)
    let reference = LossReference.batchHardTriplet(embeddings: x, labels: labels, margin: 0.5)
    #expect(abs(Double(value) - reference) < 1e-5)
    var gradient = Tensor(shape: x.shape)
    loss.backward(embeddings: x, cache: cache, embeddingsGradient: &gradient)
    var probe = x
    let result = GradientChecker.check(&probe, analytic: gradient, epsilon: 1e-3) {
      LossReference.batchHardTriplet(embeddings: $0, labels: labels, margin: 0.5)
    }
    #expect(result.passed, "\(result)")
  }

  @Test func trainingSizeMatchesReference() {
    // P = 16 x K = 4, D = 2048: the SIMD path over many lanes against the Double reference.
    let labels = (0..<64).map { $0 / 4 }
    let x = Fixtures.uniform([64, 2048], seed: 13, name: "training size")
    let loss = BatchHardTripletLoss(margin: 0.3)
    let clock = ContinuousClock()
    var output: (loss: Float, cache: BatchHardTripletLoss.Cache)?
    let elapsed = clock.measure { output = loss.forward(embeddings: x, labels: labels) }
    guard let (value, cache) = output else { return }
    let reference = LossReference.batchHardTriplet(embeddings: x, labels: labels, margin: 0.3)
    #expect(abs(Double(value) - reference) <= 1e-5 * max(1, reference), "took \(elapsed)")
    // Translation invariance: the gradient rows sum to zero.
    var gradient = Tensor(shape: x.shape)
    loss.backward(embeddings: x, cache: cache, embeddingsGradient: &gradient)
    for k in 0..<2048 {
      var column: Float = 0
      for i in 0..<64 { column += gradient[i, k] }
      #expect(abs(column) < 1e-6)
    }
  }
}
