/// Finds NaN and infinite values quickly (a feature file holds about 10^8 of them).
enum FiniteCheck {
  /// The index of the first NaN or infinite value, or nil when all are finite.
  static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
    guard let base = values.baseAddress else { return nil }
    let count = values.count
    // x * 0 is 0 for finite x and NaN otherwise; a NaN survives every later addition.
    var probe = SIMD16<Float>()
    var i = 0
    let raw = UnsafeRawPointer(base)
    while i + 16 <= count {
      probe += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) * 0
      i += 16
    }
    var tail: Float = 0
    while i < count {
      tail += base[i] * 0
      i += 1
    }
    if probe.sum() == 0 && tail == 0 { return nil }
    return values.firstIndex { !$0.isFinite }
  }
}
