import CConvKernels
import Foundation
import Kernels
import TensorCore

/// The direct forward convolution (CConvKernels) on the backbones' non-1x1 shapes, one
/// thread, each ISA variant, beside the measured one-thread FMA peak and ours (im2col +
/// sgemm) on the same shape at one BLAS thread. A first measurement for issue 13: forward
/// only, before threading and the backward passes.
struct DirectConvBenchmark {
  var budget: Double

  func run() {
    var variants: [(String, DirectKernel)] = [("AVX2", reid_conv_forward_avx2)]
    if reid_cpu_has_avx512f() == 1 { variants.append(("AVX-512", reid_conv_forward_avx512)) }
    let peak = PeakBenchmark(budget: budget).gflops(PeakBenchmark.variants[0], threads: 1)
    print(
      "\n## Direct convolution forward, 1 thread (peak \(String(format: "%.1f", peak)) GFLOPS)\n")
    print(
      "| shape | " + variants.map { "\($0.0) GFLOPS | % of peak" }.joined(separator: " | ") + " |")
    print("|---|" + variants.map { _ in "---:|---:" }.joined(separator: "|") + "|")
    for named in ConvShapes.all where named.geometry.kernelHeight * named.geometry.kernelWidth > 1 {
      let g = named.geometry
      var s = reid_conv_shape(
        n: Int64(g.batch), h: Int64(g.inputHeight), w: Int64(g.inputWidth),
        cin: Int64(g.inputChannels), cout: Int64(g.outputChannels), kh: Int64(g.kernelHeight),
        kw: Int64(g.kernelWidth), stride_h: Int64(g.strideH), stride_w: Int64(g.strideW),
        pad_h: Int64(g.padH), pad_w: Int64(g.padW), dilation_h: Int64(g.dilationH),
        dilation_w: Int64(g.dilationW), ho: Int64(g.outputHeight), wo: Int64(g.outputWidth))
      var random = RandomStream(seed: 1, name: "direct")
      var xt = Tensor(shape: [g.batch, g.inputHeight, g.inputWidth, g.inputChannels])
      var wt = Tensor(shape: [g.patchSize, g.outputChannels])
      random.fillUniform(&xt, -1, 1)
      random.fillUniform(&wt, -1, 1)
      let x = xt.scalars
      let w = wt.scalars
      var y = [Float](repeating: 0, count: g.outputPixels * g.outputChannels)
      let flops = 2.0 * Double(g.outputPixels) * Double(g.outputChannels) * Double(g.patchSize)
      var cells: [String] = []
      for (_, kernel) in variants {
        let seconds = Timing.median(budget: budget) {
          kernel(&s, x, w, &y, 0, Int64(g.batch * g.outputHeight))
        }
        let rate = flops / seconds / 1e9
        cells.append(String(format: "%.1f | %.0f %%", rate, 100 * rate / peak))
      }
      print("| \(named.name) | " + cells.joined(separator: " | ") + " |")
    }
  }
}

typealias DirectKernel =
  @convention(c) (
    UnsafePointer<reid_conv_shape>?, UnsafePointer<Float>?, UnsafePointer<Float>?,
    UnsafeMutablePointer<Float>?, Int64, Int64
  ) -> Void
