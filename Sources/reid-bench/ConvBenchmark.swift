import Kernels
import TensorCore

/// Convolution speed, NHWC (ours) against raw sgemm on the same (M, N, K) and against the
/// NCHW per-image scheme, for the shapes of `ConvShapes`.
struct ConvBenchmark {
  var budget: Double
  var filter: String?
  /// Whether to time the NCHW per-image alternative too.
  var nchw = true

  struct Row {
    var name: String
    var pass: String
    var mnk: (Int, Int, Int)
    var gflops: Double
    var sgemmGFLOPS: Double
    var nchwGFLOPS: Double
  }

  static func buffer(_ count: Int, seed: UInt64) -> AlignedBuffer {
    let b = AlignedBuffer(count: count)
    var s = RandomStream(seed: seed, name: "bench")
    for i in 0..<count { b.baseAddress[i] = s.nextUniform(-1, 1) }
    return b
  }

  /// Operands of a raw sgemm of the given shape, and the call.
  func rawSgemm(
    _ ta: BLAS.Transpose, _ tb: BLAS.Transpose, m: Int, n: Int, k: Int, beta: Float
  ) -> () -> Void {
    let a = Self.buffer(m * k, seed: 1)
    let b = Self.buffer(k * n, seed: 2)
    let c = Self.buffer(m * n, seed: 3)
    return {
      BLAS.sgemm(
        ta, tb, m: m, n: n, k: k, a: a.baseAddress, b: b.baseAddress, beta: beta, c: c.baseAddress)
    }
  }

  /// Each pass is timed alternately with its raw sgemm (`Timing.paired`), so the ratio holds
  /// when the shared machine's load drifts.
  func measure(_ shape: ConvShapes.Named) -> [Row] {
    let g = shape.geometry
    let (m, cout, k) = (g.outputPixels, g.outputChannels, g.patchSize)
    let x = Self.buffer(g.batch * g.inputHeight * g.inputWidth * g.inputChannels, seed: 4)
    let w = Self.buffer(cout * k, seed: 5)
    let y = Self.buffer(m * cout, seed: 6)
    let dx = Self.buffer(x.count, seed: 7)
    let dw = Self.buffer(w.count, seed: 8)
    let cols = Self.buffer(k * g.outputHeight * g.outputWidth, seed: 9)
    let flops = g.forwardFLOPs

    let (forward, rawForward) = Timing.paired(
      budget: budget,
      {
        Convolution.forward(
          x.baseAddress, weight: w.baseAddress, bias: nil, g, output: y.baseAddress)
      }, rawSgemm(.none, .transposed, m: m, n: cout, k: k, beta: 0))
    let (backwardData, rawData) = Timing.paired(
      budget: budget,
      {
        Convolution.backwardData(
          y.baseAddress, weight: w.baseAddress, g, inputGradient: dx.baseAddress)
      }, rawSgemm(.none, .none, m: m, n: k, k: cout, beta: g.isPointwise ? 1 : 0))
    let (backwardWeights, rawWeights) = Timing.paired(
      budget: budget,
      {
        Convolution.backwardWeights(
          y.baseAddress, input: x.baseAddress, g, weightGradient: dw.baseAddress,
          biasGradient: nil)
      }, rawSgemm(.transposed, .none, m: cout, n: k, k: m, beta: 1))
    var (nchwForward, nchwData, nchwWeights) = (Double.nan, Double.nan, Double.nan)
    if nchw {
      nchwForward = Timing.median(budget: budget) {
        NCHWConvolution.forward(x.baseAddress, w.baseAddress, g, y.baseAddress, cols.baseAddress)
      }
      nchwData = Timing.median(budget: budget) {
        NCHWConvolution.backwardData(
          y.baseAddress, w.baseAddress, g, dx.baseAddress, cols.baseAddress)
      }
      nchwWeights = Timing.median(budget: budget) {
        NCHWConvolution.backwardWeights(
          y.baseAddress, x.baseAddress, g, dw.baseAddress, cols.baseAddress)
      }
    }
    let gf = { (seconds: Double) in flops / seconds * 1e-9 }
    return [
      Row(
        name: shape.name, pass: "forward", mnk: (m, cout, k), gflops: gf(forward),
        sgemmGFLOPS: gf(rawForward), nchwGFLOPS: gf(nchwForward)),
      Row(
        name: shape.name, pass: "backward-data", mnk: (m, k, cout), gflops: gf(backwardData),
        sgemmGFLOPS: gf(rawData), nchwGFLOPS: gf(nchwData)),
      Row(
        name: shape.name, pass: "backward-weights", mnk: (cout, k, m), gflops: gf(backwardWeights),
        sgemmGFLOPS: gf(rawWeights), nchwGFLOPS: gf(nchwWeights)),
    ]
  }

  func run() {
    print(
      "\n## Convolution, batch 8, 256x128 input (GFLOPS; ratio = ours / raw sgemm on the same M, N, K)\n"
    )
    print(
      "| shape | pass | M x N x K | NHWC (ours) | raw sgemm | ratio | NCHW per image | NHWC / NCHW |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|")
    var totals = (ours: 0.0, sgemm: 0.0, nchw: 0.0)
    for shape in ConvShapes.all where filter.map({ shape.name.contains($0) }) ?? true {
      for row in measure(shape) {
        let flops = shape.geometry.forwardFLOPs * 1e-9
        totals.ours += flops / row.gflops
        totals.sgemm += flops / row.sgemmGFLOPS
        totals.nchw += flops / row.nchwGFLOPS
        print(
          "| \(row.name) | \(row.pass) | \(row.mnk.0) x \(row.mnk.1) x \(row.mnk.2) | "
            + "\(Format.number(row.gflops)) | \(Format.number(row.sgemmGFLOPS)) | "
            + "\(Format.number(row.gflops / row.sgemmGFLOPS, 2)) | \(Format.number(row.nchwGFLOPS)) | "
            + "\(Format.number(row.gflops / row.nchwGFLOPS, 2)) |")
      }
    }
    print(
      "\nAll shapes, time-weighted: ours / raw sgemm = \(Format.number(totals.sgemm / totals.ours, 3)), "
        + "NHWC / NCHW speed = \(Format.number(totals.nchw / totals.ours, 3))")
  }
}
