import TensorCore

/// The outcome of a central-difference gradient check.
public struct GradientCheckResult: CustomStringConvertible {
  /// The checked scalar index with the worst error.
  public var worstIndex = -1
  /// The analytic and numeric derivative at `worstIndex`.
  public var worstAnalytic = 0.0
  public var worstNumeric = 0.0
  /// The worst error relative to the tolerance; the check passes when it is at most 1.
  public var worstRatio = 0.0
  /// How many scalars were checked.
  public var checked = 0
  /// How many were skipped because the loss has a kink within ±epsilon of them.
  public var kinks = 0

  /// Whether every checked derivative was within tolerance.
  public var passed: Bool { worstRatio <= 1 }

  public var description: String {
    "checked \(checked)\(kinks > 0 ? " (\(kinks) kinks skipped)" : ""), worst at \(worstIndex): analytic \(worstAnalytic) vs numeric "
      + "\(worstNumeric) (\(worstRatio)x tolerance)"
  }
}

/// Central-difference gradient checks (the Caffe `GradientChecker`, for explicit backward
/// passes).
///
/// A check perturbs one scalar of an input by ±`epsilon`, re-evaluates a scalar loss in
/// double precision and compares (L(x+e) - L(x-e)) / 2e with the analytic derivative. The
/// usual loss for a layer is `sum(y * dy)` for a fixed random `dy`, whose analytic gradient is
/// exactly what the layer's backward computes from `dy`.
public enum GradientChecker {
  /// Checks the derivatives of `loss` with respect to the scalars of `values`.
  ///
  /// - Parameters:
  ///   - values: the scalars to perturb; restored before returning.
  ///   - analytic: the analytic gradient, parallel to `values`.
  ///   - epsilon: the perturbation.
  ///   - relativeTolerance, absoluteTolerance: |a - n| <= abs + rel * max(|a|, |n|).
  ///   - maxChecks: at most this many scalars, spread evenly, are checked.
  ///   - skipKinks: skip a scalar whose one-sided differences disagree beyond the tolerance: a
  ///     ReLU or max switching inside ±epsilon, where no central difference is meaningful.
  ///   - loss: evaluates the scalar loss from the current `values`.
  public static func check(
    values: UnsafeMutableBufferPointer<Float>, analytic: [Float], epsilon: Float = 1e-2,
    relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 1e-3, maxChecks: Int = 300,
    skipKinks: Bool = false, loss: () -> Double
  ) -> GradientCheckResult {
    checkPrecondition(
      analytic.count == values.count,
      "GradientChecker: \(analytic.count) analytic derivatives for \(values.count) values")
    var result = GradientCheckResult()
    let base = skipKinks ? loss() : 0
    func tolerance(_ a: Double, _ b: Double) -> Double {
      absoluteTolerance + relativeTolerance * max(abs(a), abs(b))
    }
    let step = max(1, values.count / maxChecks)
    for i in stride(from: 0, to: values.count, by: step) {
      let saved = values[i]
      values[i] = saved + epsilon
      let plus = loss()
      values[i] = saved - epsilon
      let minus = loss()
      values[i] = saved
      let (up, down) = (
        Double(saved + epsilon) - Double(saved), Double(saved) - Double(saved - epsilon)
      )
      if skipKinks {
        let (right, left) = ((plus - base) / up, (base - minus) / down)
        if abs(right - left) > tolerance(right, left) {
          result.kinks += 1
          continue
        }
      }
      let numeric = (plus - minus) / (up + down)
      let a = Double(analytic[i])
      let allowed = tolerance(a, numeric)
      let ratio = abs(a - numeric) / allowed
      result.checked += 1
      if ratio > result.worstRatio || result.worstIndex < 0 {
        result.worstRatio = ratio
        result.worstIndex = i
        result.worstAnalytic = a
        result.worstNumeric = numeric
      }
    }
    return result
  }

  /// Checks the derivatives of `loss` with respect to the scalars of `tensor`.
  public static func check(
    _ tensor: inout Tensor, analytic: Tensor, epsilon: Float = 1e-2,
    relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 1e-3, maxChecks: Int = 300,
    loss: (Tensor) -> Double
  ) -> GradientCheckResult {
    checkPrecondition(
      tensor.shape == analytic.shape,
      "GradientChecker: analytic \(analytic.shape) for tensor \(tensor.shape)")
    let analyticScalars = analytic.scalars
    var copy = tensor
    copy.makeUnique()
    var probe = copy
    let result = copy.withUnsafeMutableBufferPointer { values in
      check(
        values: values, analytic: analyticScalars, epsilon: epsilon,
        relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance,
        maxChecks: maxChecks
      ) {
        probe = Tensor(shape: tensor.shape) { values[$0] }
        return loss(probe)
      }
    }
    return result
  }

  /// `sum(y * weights)` in double precision: the loss whose gradient with respect to `y` is
  /// `weights`, used to drive a layer's backward pass with a fixed upstream gradient.
  public static func dot(_ y: Tensor, _ weights: Tensor) -> Double {
    checkPrecondition(
      y.shape == weights.shape, "GradientChecker.dot: \(y.shape) vs \(weights.shape)")
    var sum = 0.0
    y.withUnsafeBufferPointer { a in
      weights.withUnsafeBufferPointer { b in
        for i in 0..<a.count { sum += Double(a[i]) * Double(b[i]) }
      }
    }
    return sum
  }
}
