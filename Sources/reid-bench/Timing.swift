import Foundation

/// Wall-clock timing for benchmarks: warm up once, then repeat until a time budget is spent
/// and report the median of the repetitions.
enum Timing {
  /// Seconds per call of `body`: the median over repetitions after one warm-up call.
  static func median(budget: Double = 0.3, minimumRuns: Int = 3, _ body: () -> Void) -> Double {
    body()
    var samples = [Double]()
    let start = DispatchTime.now().uptimeNanoseconds
    repeat {
      let t0 = DispatchTime.now().uptimeNanoseconds
      body()
      samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
    } while samples.count < minimumRuns
      || Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 < budget
    samples.sort()
    return samples[samples.count / 2]
  }
}

/// Fixed-width text formatting for the benchmark tables.
enum Format {
  static func number(_ x: Double, _ decimals: Int = 1) -> String {
    String(format: "%.\(decimals)f", x)
  }

  static func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
  }

  static func left(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
  }
}
