/// A plot axis: its extent and "nice" ticks, steps of 1, 2 or 5 times a power of ten.
///
/// Tick values are the doubles nearest to their decimal values (0.3, not 3 * 0.1), and the
/// labels are written from the exact decimal, with the same number of decimals along an
/// axis ("0.0", "0.5", "1.0"), in scientific form ("2e-8") for very small or large steps.
public struct AxisScale: Sendable, Equatable {
  /// The most ticks an axis gets; the step is the smallest nice one that needs no more.
  public static let maxTicks = 8
  /// Values beyond this magnitude are not drawn, so spans and pixel positions stay finite.
  public static let largestPlottable = 1e300

  /// The extent of the axis.
  public let range: ClosedRange<Double>
  /// The tick values, ascending, all inside `range`.
  public let ticks: [Double]
  /// One label per tick.
  public let labels: [String]

  /// An axis over `lower...upper` widened to the nearest ticks outside it, so its ends are
  /// ticks. An empty or degenerate span (one value) is widened around its center;
  /// non-finite bounds give 0...1.
  public static func covering(_ lower: Double, _ upper: Double) -> AxisScale {
    let (lo, hi) = sanitized(lower, upper)
    for step in NiceStep.candidates(span: hi - lo) {
      let first = step.index(below: lo)
      let last = step.index(above: hi)
      if last - first < maxTicks {
        return AxisScale(
          range: step.value(first)...step.value(last), step: step, indices: first...last)
      }
    }
    return AxisScale(range: lo...hi, ticks: [lo, hi])
  }

  /// An axis over exactly `range` (widened when degenerate), ticked at the nice values
  /// inside it.
  public static func within(_ range: ClosedRange<Double>) -> AxisScale {
    let (lo, hi) = sanitized(range.lowerBound, range.upperBound)
    for step in NiceStep.candidates(span: hi - lo) {
      let first = step.index(above: lo)
      let last = step.index(below: hi)
      if last - first < maxTicks {
        guard first <= last else { break }
        return AxisScale(range: lo...hi, step: step, indices: first...last)
      }
    }
    return AxisScale(range: lo...hi, ticks: [lo, hi])
  }

  /// True for a value an axis can show.
  static func isPlottable(_ value: Double) -> Bool {
    value.isFinite && value.magnitude <= largestPlottable
  }

  private init(range: ClosedRange<Double>, step: NiceStep, indices: ClosedRange<Int>) {
    self.range = range
    ticks = indices.map { step.value($0) }
    labels = indices.map { step.label($0) }
  }

  /// The fallback when no nice step fits: the two ends, labelled as they are.
  private init(range: ClosedRange<Double>, ticks: [Double]) {
    self.range = range
    self.ticks = ticks
    labels = ticks.map { $0.description }
  }

  /// Ordered, plottable bounds with a span that ticks can resolve.
  private static func sanitized(_ a: Double, _ b: Double) -> (Double, Double) {
    guard isPlottable(a), isPlottable(b) else { return (0, 1) }
    let (lo, hi) = (min(a, b), max(a, b))
    // A span below 1e-13 of the values' magnitude (a few hundred ulps) has no distinct
    // round ticks, and below 1e-200 the steps would leave the normal doubles: widen it by
    // 5 % of the center (or to -1...1 around 0).
    let magnitude = max(lo.magnitude, hi.magnitude)
    if hi - lo <= magnitude * 1e-13 || hi - lo < 1e-200 {
      let center = lo / 2 + hi / 2
      let half = max(center == 0 ? 1 : center.magnitude * 0.05, 1e-200)
      return (center - half, center + half)
    }
    return (lo, hi)
  }
}
