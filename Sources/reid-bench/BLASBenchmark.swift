import Kernels
import TensorCore

/// The BLAS kernel family's speed on the project's sgemm shapes and a digest of a fixed
/// computation, so that runs under different `OPENBLAS_CORETYPE` and thread counts can be
/// compared for speed and for bits (`scripts/blas-survey.sh`).
struct BLASBenchmark {
  var budget: Double

  /// (M, N, K) of the forward GEMMs that matter most: DenseNet's skinny 3x3 and 1x1 shapes,
  /// an Inception 3x3, and a large square product for the peak rate.
  static let shapes: [(String, Int, Int, Int)] = [
    ("densenet 3x3 (growth 32)", 16384, 32, 1152),
    ("densenet 1x1 (bottleneck)", 4096, 128, 320),
    ("inception 3x3", 13440, 192, 720),
    ("square 2048", 2048, 2048, 2048),
  ]

  /// FNV-1a over the bits of a buffer.
  static func digest(_ p: UnsafePointer<Float>, _ count: Int) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in 0..<count {
      hash ^= UInt64(p[i].bitPattern)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
  }

  func run() {
    print("\n## BLAS sgemm (core \(BLAS.coreName), \(BLAS.threads) threads)\n")
    print("| shape | M x N x K | GFLOPS | result digest |")
    print("|---|---|---:|---|")
    var combined: UInt64 = 0
    for (name, m, n, k) in Self.shapes {
      let a = ConvBenchmark.buffer(m * k, seed: 1)
      let b = ConvBenchmark.buffer(n * k, seed: 2)
      let c = ConvBenchmark.buffer(m * n, seed: 3)
      let seconds = Timing.median(budget: budget) {
        BLAS.sgemm(
          .none, .transposed, m: m, n: n, k: k, a: a.baseAddress, b: b.baseAddress, c: c.baseAddress
        )
      }
      let d = Self.digest(c.baseAddress, m * n)
      combined ^= d
      print(
        "| \(name) | \(m) x \(n) x \(k) | \(Format.number(2 * Double(m * n * k) / seconds * 1e-9)) | "
          + "\(String(d, radix: 16)) |")
    }
    print("\nbits digest: \(String(combined, radix: 16))")
  }
}
