import CConvKernels
import Foundation
import Kernels
import TensorCore

/// The direct convolution kernels against ours with im2col + sgemm and oneDNN's direct
/// convolution on every non-1x1 convolution shape of both backbones, each
/// pass, at the BLAS thread count; each rate also as a fraction of the FMA peak measured in
/// the same run on as many threads. Shapes are listed costliest first per backbone (flops
/// times the number of layers with the shape). GFLOPS count every tap, also those in the
/// padding, which the direct kernels and oneDNN skip: a padded shape can beat the peak.
struct DirectConvBenchmark {
  var budget: Double
  var threads: Int
  var filter: String?

  /// The three passes, each with the same flops (2 * M * Cout * K).
  enum Pass: String, CaseIterable {
    case forward
    case backwardData = "backward-data"
    case backwardWeights = "backward-weights"
  }

  /// A pass of `g` under a convolution algorithm, as a closure over fresh operands.
  static func call(_ pass: Pass, _ g: ConvGeometry, algorithm: ConvolutionAlgorithm) -> () -> Void {
    let x = ConvBenchmark.buffer(g.batch * g.inputHeight * g.inputWidth * g.inputChannels, seed: 4)
    let w = ConvBenchmark.buffer(g.outputChannels * g.patchSize, seed: 5)
    let y = ConvBenchmark.buffer(g.outputPixels * g.outputChannels, seed: 6)
    let dx = ConvBenchmark.buffer(x.count, seed: 7)
    let dw = ConvBenchmark.buffer(w.count, seed: 8)
    return {
      let saved = Convolution.algorithm
      Convolution.algorithm = algorithm
      defer { Convolution.algorithm = saved }
      switch pass {
      case .forward:
        Convolution.forward(
          x.baseAddress, weight: w.baseAddress, bias: nil, g, output: y.baseAddress)
      case .backwardData:
        Convolution.backwardData(
          y.baseAddress, weight: w.baseAddress, g, inputGradient: dx.baseAddress)
      case .backwardWeights:
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
      "\n## Direct convolution, batch 8, 256x128 input, \(threads) threads "
        + "(GFLOPS, and % of the \(Format.number(peak)) GFLOPS \(peakName) FMA peak "
        + "on \(threads) threads; direct kernels: \(DirectConvolution.ISA.best))\n")
    print(
      "| shape | layers | pass | direct | % peak | im2col + sgemm | % peak | direct / im2col "
        + "| oneDNN | % peak | direct / oneDNN |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    let ranked = ConvShapes.direct.sorted {
      let (a, b) = ($0.named, $1.named)
      let (aNet, bNet) = (a.name.prefix(while: { $0 != "." }), b.name.prefix(while: { $0 != "." }))
      if aNet != bNet { return aNet < bNet }
      return a.geometry.forwardFLOPs * Double($0.layers) > b.geometry.forwardFLOPs
        * Double($1.layers)
    }
    var totals = (direct: 0.0, im2col: 0.0, dnnl: 0.0)
    for (named, layers) in ranked where filter.map({ named.name.contains($0) }) ?? true {
      let g = named.geometry
      for pass in Pass.allCases {
        let (direct, im2col) = Timing.paired(
          budget: budget, Self.call(pass, g, algorithm: .direct),
          Self.call(pass, g, algorithm: .im2col))
        let rate = { (seconds: Double) in g.forwardFLOPs / seconds * 1e-9 }
        totals.direct += direct * Double(layers)
        totals.im2col += im2col * Double(layers)
        var line =
          "| \(named.name) | \(layers) | \(pass.rawValue) | \(Format.number(rate(direct))) | "
          + "\(Format.number(100 * rate(direct) / peak)) | \(Format.number(rate(im2col))) | "
          + "\(Format.number(100 * rate(im2col) / peak)) | \(Format.number(im2col / direct, 2)) |"
        if let seconds = OneDNNConvolution.seconds(pass, g, budget: budget) {
          totals.dnnl += seconds * Double(layers)
          line +=
            " \(Format.number(rate(seconds))) | \(Format.number(100 * rate(seconds) / peak)) | "
            + "\(Format.number(seconds / direct, 2)) |"
        } else {
          line += " - | - | - |"
        }
        print(line)
      }
    }
    print(
      "\nAll shapes, weighted by layers: direct \(Format.number(totals.direct * 1e3)) ms, "
        + "im2col + sgemm \(Format.number(totals.im2col * 1e3)) ms"
        + ", oneDNN \(Format.number(totals.dnnl * 1e3)) ms per training step's non-1x1 "
        + "convolutions (oneDNN: \(OneDNNConvolution.implementations.joined(separator: ", ")))")
  }
}
