import TensorCore
import Testing
import _TestSupport

/// An NCHW array of Doubles: the layout of the naive references, independent of the NHWC
/// kernels under test.
struct NCHW {
  var n: Int
  var c: Int
  var h: Int
  var w: Int
  var values: [Double]

  init(n: Int, c: Int, h: Int, w: Int) {
    (self.n, self.c, self.h, self.w) = (n, c, h, w)
    values = [Double](repeating: 0, count: n * c * h * w)
  }

  /// The NCHW copy of an NHWC tensor.
  init(_ t: Tensor) {
    let d = t.shape.dims
    self.init(n: d[0], c: d[3], h: d[1], w: d[2])
    for b in 0..<n {
      for y in 0..<h {
        for x in 0..<w {
          for k in 0..<c { self[b, k, y, x] = Double(t[b, y, x, k]) }
        }
      }
    }
  }

  subscript(b: Int, k: Int, y: Int, x: Int) -> Double {
    get { values[((b * c + k) * h + y) * w + x] }
    set { values[((b * c + k) * h + y) * w + x] = newValue }
  }

  /// Back to an NHWC Float tensor.
  var nhwc: Tensor {
    var t = Tensor(shape: Shape(n, h, w, c))
    for b in 0..<n {
      for y in 0..<h {
        for x in 0..<w {
          for k in 0..<c { t[b, y, x, k] = Float(self[b, k, y, x]) }
        }
      }
    }
    return t
  }
}

/// Distinct values (-count/2 + 0.5 ... count/2 - 0.5) * gap in a random order: no ties, no
/// value within gap / 2 of zero, so max pool and ReLU have no kink near a small perturbation.
func spreadValues(_ shape: Shape, gap: Float = 0.01, seed: UInt64 = 7) -> Tensor {
  var stream = RandomStream(seed: seed, name: "spread")
  let order = stream.permutation(shape.count)
  let half = Float(shape.count) / 2
  return Tensor(shape: shape) { (Float(order[$0]) - half + 0.5) * gap }
}

/// A uniform random tensor in [-1, 1).
func randomTensor(_ shape: Shape, seed: UInt64 = 1) -> Tensor {
  Fixtures.uniform(shape, seed: seed, name: "layers")
}

/// Expects `actual` to match `expected` within a relative and absolute tolerance.
func expectClose(
  _ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6,
  _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.shape == expected.shape, "\(what) shape", sourceLocation: sourceLocation)
  guard actual.shape == expected.shape else { return }
  let (ratio, index) = Fixtures.closeness(
    actual, expected, relativeTolerance: rtol, absoluteTolerance: atol)
  let got = index >= 0 ? actual[flat: index] : 0
  let want = index >= 0 ? expected[flat: index] : 0
  let message = "\(what): at \(index) got \(got), expected \(want) (\(ratio)x tolerance)"
  #expect(ratio <= 1, Comment(rawValue: message), sourceLocation: sourceLocation)
}

/// Expects exact scalars (hand-computed PyTorch values).
func expectScalars(
  _ actual: Tensor, _ expected: [Float], tolerance: Float = 1e-6,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, sourceLocation: sourceLocation)
  let got = actual.scalars
  for i in 0..<min(got.count, expected.count) where abs(got[i] - expected[i]) > tolerance {
    Issue.record(
      "index \(i): got \(got[i]), expected \(expected[i])", sourceLocation: sourceLocation)
    return
  }
}

/// Runs the central-difference check of `forward` at x against `analytic`, driven by `dy`.
func expectGradient(
  at x: Tensor, dy: Tensor, analytic: Tensor, epsilon: Float = 1e-3,
  sourceLocation: SourceLocation = #_sourceLocation, forward: (Tensor) -> Tensor
) {
  var probe = x
  let result = GradientChecker.check(&probe, analytic: analytic, epsilon: epsilon) {
    GradientChecker.dot(forward($0), dy)
  }
  #expect(result.passed, "\(result)", sourceLocation: sourceLocation)
  #expect(result.checked > 0, sourceLocation: sourceLocation)
}

/// Runs `backward` twice into zeroed gradients and expects the second result to be exactly
/// twice the first (backward accumulates).
func expectAccumulates(
  _ shape: Shape, sourceLocation: SourceLocation = #_sourceLocation,
  backward: (inout Tensor) -> Void
) {
  var once = Tensor(shape: shape)
  backward(&once)
  var twice = Tensor(shape: shape)
  backward(&twice)
  backward(&twice)
  var doubled = once
  doubled.withUnsafeMutableBufferPointer { p in
    for i in 0..<p.count { p[i] *= 2 }
  }
  expectClose(twice, doubled, rtol: 1e-6, atol: 1e-7, "twice", sourceLocation: sourceLocation)
  #expect(once.scalars.contains { $0 != 0 }, "gradient is all zero", sourceLocation: sourceLocation)
}

extension Tensor {
  /// A copy times `factor` (test helper).
  func scaled(_ factor: Float) -> Tensor { Tensor(shape: shape) { self[flat: $0] * factor } }
}
