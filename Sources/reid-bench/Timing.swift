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

extension Timing {
  /// Seconds per call of `a` and of `b`, timed alternately (a, b, a, b, ...) after one warm-up
  /// call of each, so that both medians see the same machine load: on a shared machine the
  /// ratio of the two is far steadier than either figure.
  static func paired(
    budget: Double = 0.3, minimumRuns: Int = 3, _ a: () -> Void, _ b: () -> Void
  ) -> (Double, Double) {
    a()
    b()
    var (samplesA, samplesB) = ([Double](), [Double]())
    let start = DispatchTime.now().uptimeNanoseconds
    func time(_ body: () -> Void) -> Double {
      let t0 = DispatchTime.now().uptimeNanoseconds
      body()
      return Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
    }
    repeat {
      samplesA.append(time(a))
      samplesB.append(time(b))
    } while samplesA.count < minimumRuns
      || Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 < 2 * budget
    samplesA.sort()
    samplesB.sort()
    return (samplesA[samplesA.count / 2], samplesB[samplesB.count / 2])
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
