import CConvKernels
import Foundation
import Kernels
import TensorCore

/// The direct convolution kernels against ours with im2col + sgemm and oneDNN's direct
/// convolution on every non-1x1 convolution shape of both backbones (or, in the pointwise
/// variant, on their 1x1 convolutions against plain sgemm), each pass, at the BLAS thread
/// count; each rate also as a fraction of the FMA peak measured in the same run on as many
/// threads. Shapes are listed costliest first per backbone (flops times the number of layers
/// with the shape). GFLOPS count every tap, also those in the padding, which the direct
/// kernels and oneDNN skip: a padded shape can beat the peak.
struct DirectConvBenchmark {
  var budget: Double
  var threads: Int
  var filter: String?
  /// The direct kernels' instruction set (`--isa`).
  var isa = DirectConvolution.ISA.best
  /// The shapes, with how many layers of a training step have each.
  var shapes = ConvShapes.direct
  /// The section's heading and what its totals cover.
  var title = "Direct convolution"
  var subject = "non-1x1 convolutions"
  /// Ours without the direct kernels: im2col + sgemm, or plain sgemm for 1x1.
  var baseline = "im2col + sgemm"

  /// The pointwise variant: both backbones' 1x1 convolutions, against plain sgemm.
  static func pointwise(
    budget: Double, threads: Int, filter: String?, isa: DirectConvolution.ISA
  ) -> Self {
    Self(
      budget: budget, threads: threads, filter: filter, isa: isa, shapes: ConvShapes.pointwise,
      title: "1x1 convolutions", subject: "1x1 convolutions", baseline: "sgemm")
  }

  /// A pass of `g` on the direct kernels of `isa` (whatever
  /// `DirectConvolution.prefersIm2col` says) or on im2col + sgemm (plain sgemm for 1x1), as a
  /// closure over fresh operands. Each pass has the same flops (2 * M * Cout * K).
  static func call(
    _ pass: ConvolutionPass, _ g: ConvGeometry, direct: Bool, isa: DirectConvolution.ISA
  ) -> () -> Void {
    let x = ConvBenchmark.buffer(g.batch * g.inputHeight * g.inputWidth * g.inputChannels, seed: 4)
    let w = ConvBenchmark.buffer(g.outputChannels * g.patchSize, seed: 5)
    let y = ConvBenchmark.buffer(g.outputPixels * g.outputChannels, seed: 6)
    let dx = ConvBenchmark.buffer(x.count, seed: 7)
    let dw = ConvBenchmark.buffer(w.count, seed: 8)
    return {
      let saved = Convolution.algorithm
      Convolution.algorithm = .im2col
      defer { Convolution.algorithm = saved }
      switch (pass, direct) {
      case (.forward, true):
        DirectConvolution.forward(
          x.baseAddress, weight: w.baseAddress, bias: nil, g, output: y.baseAddress, isa: isa)
      case (.forward, false):
        Convolution.forward(
          x.baseAddress, weight: w.baseAddress, bias: nil, g, output: y.baseAddress)
      case (.backwardData, true):
        DirectConvolution.backwardData(
          y.baseAddress, weight: w.baseAddress, g, inputGradient: dx.baseAddress, isa: isa)
      case (.backwardData, false):
        Convolution.backwardData(
          y.baseAddress, weight: w.baseAddress, g, inputGradient: dx.baseAddress)
      case (.backwardWeights, true):
        DirectConvolution.backwardWeights(
          y.baseAddress, input: x.baseAddress, g, weightGradient: dw.baseAddress,
          biasGradient: nil, isa: isa)
      case (.backwardWeights, false):
        Convolution.backwardWeights(
          y.baseAddress, input: x.baseAddress, g, weightGradient: dw.baseAddress,
          biasGradient: nil)
      }
    }
  }

  func run() {
    // The better of the ISAs' peaks (on Zen 4 the AVX2 one is as high as AVX-512's).
    let peaks = PeakBenchmark.variants.map {
      (name: $0.name, gflops: PeakBenchmark(budget: budget).gflops($0, threads: threads))
    }
    let best = peaks.max { $0.gflops < $1.gflops }
    let (peakName, peak) = (best?.name ?? "-", best?.gflops ?? .nan)
    print(
      "\n## \(title), batch 8, 256x128 input, \(threads) threads "
        + "(GFLOPS, and % of the \(Format.number(peak)) GFLOPS \(peakName) FMA peak "
        + "on \(threads) threads; direct kernels: \(isa))\n")
    print(
      "| shape | layers | pass | direct | % peak | \(baseline) | % peak | direct / \(baseline) "
        + "| oneDNN | % peak | direct / oneDNN | blas.conv: direct runs | ms per step |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    let ranked = shapes.sorted {
      let (a, b) = ($0.named, $1.named)
      let (aNet, bNet) = (a.name.prefix(while: { $0 != "." }), b.name.prefix(while: { $0 != "." }))
      if aNet != bNet { return aNet < bNet }
      return a.geometry.forwardFLOPs * Double($0.layers) > b.geometry.forwardFLOPs
        * Double($1.layers)
    }
    var totals = (direct: 0.0, im2col: 0.0, chosen: 0.0, dnnl: 0.0)
    for (named, layers) in ranked where filter.map({ named.name.contains($0) }) ?? true {
      let g = named.geometry
      for pass in ConvolutionPass.allCases {
        let (direct, im2col) = Timing.paired(
          budget: budget, Self.call(pass, g, direct: true, isa: isa),
          Self.call(pass, g, direct: false, isa: isa))
        let rate = { (seconds: Double) in g.forwardFLOPs / seconds * 1e-9 }
        // Training never asks for the image's gradient: the first layer's backward-data is
        // listed but left out of the totals.
        let trained = !(pass == .backwardData && g.inputChannels == 3)
        // What training runs under blas.conv: direct.
        let runsIm2col = DirectConvolution.prefersIm2col(g, pass)
        if trained {
          totals.direct += direct * Double(layers)
          totals.im2col += im2col * Double(layers)
          totals.chosen += (runsIm2col ? im2col : direct) * Double(layers)
        }
        var line =
          "| \(named.name) | \(layers) | \(pass.rawValue) | \(Format.number(rate(direct))) | "
          + "\(Format.number(100 * rate(direct) / peak)) | \(Format.number(rate(im2col))) | "
          + "\(Format.number(100 * rate(im2col) / peak)) | \(Format.number(im2col / direct, 2)) |"
        if let seconds = OneDNNConvolution.seconds(pass, g, budget: budget) {
          if trained { totals.dnnl += seconds * Double(layers) }
          line +=
            " \(Format.number(rate(seconds))) | \(Format.number(100 * rate(seconds) / peak)) | "
            + "\(Format.number(seconds / direct, 2)) |"
        } else {
          line += " - | - | - |"
        }
        let route = runsIm2col ? (g.isPointwise ? "sgemm" : "im2col") : "direct"
        line += trained ? " \(route) |" : " (not in training) |"
        // What the layers of this shape cost a training step, as routed: where time goes.
        line +=
          trained
          ? " \(Format.number((runsIm2col ? im2col : direct) * Double(layers) * 1e3)) |" : " - |"
        print(line)
      }
    }
    let ms = { (seconds: Double) in Format.number(seconds * 1e3) + " ms" }
    print(
      "\nAll shapes, weighted by layers, per training step's \(subject): direct "
        + "kernels \(ms(totals.direct)), \(baseline) \(ms(totals.im2col)), blas.conv: direct "
        + "(each pass as the last column says) \(ms(totals.chosen)), oneDNN \(ms(totals.dnnl)) "
        + "(\(OneDNNConvolution.implementations.joined(separator: ", ")))")
  }
}
