import Dispatch
import Kernels

/// What handing a short parallel pass to the other threads costs: `KernelThreads.split` (the
/// polling pool the kernels run on) against `DispatchQueue.concurrentPerform` (what they ran
/// on before), after the calling thread has been busy alone for a while, as between the
/// passes of a training step.
struct HandoffBenchmark {
  /// Threads per pass (the BLAS threads).
  var threads: Int
  /// Microseconds of work in each part of a pass.
  var partMicroseconds: UInt64 = 20
  /// Passes timed per figure (the median is quoted).
  var passes = 400

  /// Spins for `microseconds` on the calling thread.
  static func work(_ microseconds: UInt64) {
    let start = DispatchTime.now().uptimeNanoseconds
    while DispatchTime.now().uptimeNanoseconds - start < microseconds * 1000 {}
  }

  /// The median microseconds of a pass run by `run`, each after `gap` microseconds of work
  /// on the calling thread alone.
  func median(gap: UInt64, _ run: (Int, @Sendable (Int) -> Void) -> Void) -> Double {
    let part = partMicroseconds
    var samples: [Double] = []
    for _ in 0..<passes {
      Self.work(gap)
      let start = DispatchTime.now().uptimeNanoseconds
      run(threads) { _ in Self.work(part) }
      samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
    }
    return samples.sorted()[samples.count / 2]
  }

  func run() {
    print(
      "\n## Handing a pass to the threads (\(threads) parts of \(partMicroseconds) us each; "
        + "median us per pass, \(partMicroseconds) if free)\n")
    print("| caller alone before the pass | KernelThreads.split | concurrentPerform |")
    print("|---|---:|---:|")
    for gap: UInt64 in [0, 50, 1000] {
      let pool = median(gap: gap) { KernelThreads.split($0, $1) }
      let dispatch = median(gap: gap) {
        DispatchQueue.concurrentPerform(iterations: $0, execute: $1)
      }
      print("| \(gap) us | \(Format.number(pool, 1)) | \(Format.number(dispatch, 1)) |")
    }
  }
}
