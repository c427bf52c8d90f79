import CConvKernels
import Foundation

/// The machine's FP32 FMA peak, measured: what the convolution kernels' GFLOPS are quoted
/// against (issue 13 asks for a fraction of this peak, not of a datasheet figure).
struct PeakBenchmark {
  /// Seconds spent timing each figure.
  var budget: Double

  /// One instruction set's micro-kernel: flops per round, and the call.
  struct Variant: Sendable {
    var name: String
    var flopsPerRound: Double
    var run: @Sendable (Int64) -> Float
  }

  /// AVX2 always (the build's baseline), AVX-512 when the CPU has it.
  static var variants: [Variant] {
    var list = [Variant(name: "AVX2 (8 lanes)", flopsPerRound: 192, run: reid_fma_peak_avx2)]
    if reid_cpu_has_avx512f() == 1 {
      list.append(
        Variant(name: "AVX-512 (16 lanes)", flopsPerRound: 384, run: reid_fma_peak_avx512))
    }
    return list
  }

  /// GFLOPS of `variant` on `threads` threads running it at once.
  func gflops(_ variant: Variant, threads: Int) -> Double {
    let rounds: Int64 = 2_000_000
    let seconds = Timing.median(budget: budget) {
      DispatchQueue.concurrentPerform(iterations: threads) { _ in
        // A result that is never zero in practice, so the chains cannot be optimized out.
        if variant.run(rounds) == 0 { print("") }
      }
    }
    return variant.flopsPerRound * Double(rounds) * Double(threads) / seconds / 1e9
  }

  func run() {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("\n## FP32 FMA peak (12 independent FMA chains per thread)\n")
    print("| instruction set | 1 thread GFLOPS | \(cores) threads GFLOPS |")
    print("|---|---:|---:|")
    for variant in Self.variants {
      let one = gflops(variant, threads: 1)
      let all = gflops(variant, threads: cores)
      print(String(format: "| %@ | %.1f | %.1f |", variant.name, one, all))
    }
  }
}
