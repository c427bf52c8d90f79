import Foundation
import Losses
import TensorCore
import Testing
import _TestSupport

@Suite struct SoftmaxCrossEntropyTests {
  /// logits (1, 2, 3), label 2: lse = log(e + e^2 + e^3) = 3.40760596444438,
  /// loss = lse - 3 = 0.40760596444438. With eps = 0.1, K = 3 the target is
  /// (0.1/3, 0.1/3, 0.9 + 0.1/3), so loss = lse - 0.9 * 3 - 0.1 * mean(1, 2, 3)
  /// = lse - 2.9 = 0.50760596444438.
  @Test func handComputedLabelSmoothing() {
    let logits = Tensor(shape: [1, 3], scalars: [1, 2, 3])
    let lse = log(exp(1.0) + exp(2.0) + exp(3.0))
    let plain = SoftmaxCrossEntropy().forward(logits: logits, labels: [2]).loss
    #expect(abs(Double(plain) - 0.40760596444438) < 1e-6)
    let smoothing = SoftmaxCrossEntropy(labelSmoothing: 0.1)
    let (smoothed, cache) = smoothing.forward(logits: logits, labels: [2])
    #expect(abs(Double(smoothed) - 0.50760596444438) < 1e-6)
    // Gradient p - q: p_j = exp(x_j - lse).
    var gradient = Tensor(shape: [1, 3])
    smoothing.backward(logits: logits, cache: cache, logitsGradient: &gradient)
    let q = [0.1 / 3, 0.1 / 3, 0.9 + 0.1 / 3]
    for j in 0..<3 {
      #expect(abs(Double(gradient[0, j]) - (exp(Double(j + 1) - lse) - q[j])) < 1e-6)
    }
  }

  @Test func matchesReferenceAndGradientCheck() {
    let labels = [0, 6, 3, 3, 1]
    let logits = Fixtures.uniform([5, 7], seed: 21, name: "logits", low: -3, high: 3)
    for eps: Float in [0, 0.1] {
      let loss = SoftmaxCrossEntropy(labelSmoothing: eps)
      let (value, cache) = loss.forward(logits: logits, labels: labels)
      let reference = LossReference.crossEntropy(
        logits: logits.scalars, classes: 7, labels: labels, ignoreLabel: nil,
        labelSmoothing: Double(eps))
      #expect(abs(Double(value) - reference) < 1e-6 * max(1, reference))
      let initial = Fixtures.uniform([5, 7], seed: 22, name: "initial")
      var gradient = initial
      loss.backward(logits: logits, cache: cache, upstream: 1.5, logitsGradient: &gradient)
      let analytic = Tensor(shape: logits.shape) { gradient[flat: $0] - initial[flat: $0] }
      var probe = logits
      let result = GradientChecker.check(&probe, analytic: analytic, epsilon: 1e-3) {
        1.5
          * LossReference.crossEntropy(
            logits: $0.scalars, classes: 7, labels: labels, ignoreLabel: nil,
            labelSmoothing: Double(eps))
      }
      #expect(result.passed, "eps \(eps): \(result)")
    }
  }

  @Test func largeLogitsAreStable() {
    let logits = Tensor(shape: [2, 3], scalars: [1000, 0, -1000, 88, 89, 90])
    let loss = SoftmaxCrossEntropy()
    let (value, cache) = loss.forward(logits: logits, labels: [0, 2])
    #expect(value.isFinite)
    let row2 = log(exp(-2.0) + exp(-1.0) + 1)
    #expect(abs(Double(value) - row2 / 2) < 1e-6)
    var gradient = Tensor(shape: [2, 3])
    loss.backward(logits: logits, cache: cache, logitsGradient: &gradient)
    #expect(gradient.scalars.allSatisfy { $0.isFinite })
  }
}

@Suite struct PixelCrossEntropyTests {
  /// (N, H, W, K) = (2, 3, 4, 5) logits; labels with ignored (255) pixels.
  static let shape: Shape = [2, 3, 4, 5]
  static let labels: [Int] = (0..<24).map { $0 % 7 == 3 ? 255 : ($0 * 3) % 5 }

  @Test func matchesReferenceAndGradientCheck() {
    let logits = Fixtures.uniform(Self.shape, seed: 31, name: "pixels", low: -2, high: 2)
    let loss = PixelCrossEntropy()
    let (value, cache) = loss.forward(logits: logits, labels: Self.labels)
    #expect(cache.countedPixels == 24 - 3)  // pixels 3, 10 and 17 are ignored
    let reference = LossReference.crossEntropy(
      logits: logits.scalars, classes: 5, labels: Self.labels, ignoreLabel: 255,
      labelSmoothing: 0)
    #expect(abs(Double(value) - reference) < 1e-6 * max(1, reference))

    let initial = Fixtures.uniform(Self.shape, seed: 32, name: "initial")
    var gradient = initial
    loss.backward(logits: logits, cache: cache, upstream: 0.5, logitsGradient: &gradient)
    let analytic = Tensor(shape: Self.shape) { gradient[flat: $0] - initial[flat: $0] }
    // Ignored pixels receive nothing.
    for p in 0..<24 where Self.labels[p] == 255 {
      for k in 0..<5 { #expect(analytic[flat: p * 5 + k] == 0) }
    }
    var probe = logits
    let result = GradientChecker.check(&probe, analytic: analytic, epsilon: 1e-3) {
      0.5
        * LossReference.crossEntropy(
          logits: $0.scalars, classes: 5, labels: Self.labels, ignoreLabel: 255,
          labelSmoothing: 0)
    }
    #expect(result.passed, "\(result)")
  }

  @Test func labelTypesAgree() {
    let logits = Fixtures.uniform(Self.shape, seed: 33, name: "types")
    let loss = PixelCrossEntropy()
    let a = loss.forward(logits: logits, labels: Self.labels).loss
    let b = loss.forward(logits: logits, labels: Self.labels.map { UInt8($0) }).loss
    let c = loss.forward(logits: logits, labels: Self.labels.map { Int32($0) }).loss
    #expect(a == b && b == c)
  }

  @Test func smoothingMatchesReference() {
    let logits = Fixtures.uniform(Self.shape, seed: 34, name: "smooth")
    let loss = PixelCrossEntropy(ignoreLabel: 255, labelSmoothing: 0.2)
    let value = loss.forward(logits: logits, labels: Self.labels).loss
    let reference = LossReference.crossEntropy(
      logits: logits.scalars, classes: 5, labels: Self.labels, ignoreLabel: 255,
      labelSmoothing: 0.2)
    #expect(abs(Double(value) - reference) < 1e-6)
  }

  @Test func allIgnoredGivesZeroLossAndNoGradient() {
    let logits = Fixtures.uniform(Self.shape, seed: 35, name: "ignored")
    let loss = PixelCrossEntropy(ignoreLabel: 0)
    let (value, cache) = loss.forward(logits: logits, labels: [Int](repeating: 0, count: 24))
    #expect(value == 0)
    #expect(cache.countedPixels == 0)
    let initial = Fixtures.uniform(Self.shape, seed: 36, name: "initial")
    var gradient = initial
    loss.backward(logits: logits, cache: cache, logitsGradient: &gradient)
    #expect(gradient == initial)
  }
}
