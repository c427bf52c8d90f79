import COneDNNBench
import Kernels

/// oneDNN's direct convolution on the same NHWC shapes as ours (COneDNNBench), timed per pass.
enum OneDNNConvolution {
  /// The implementations oneDNN picked, in the order first seen (for the report).
  nonisolated(unsafe) static var implementations: [String] = []

  /// The median seconds of one pass of `g`, or nil (with a note) when oneDNN refuses it.
  static func seconds(_ pass: ConvolutionPass, _ g: ConvGeometry, budget: Double)
    -> Double?
  {
    var shape = reid_onednn_shape(
      n: Int64(g.batch), h: Int64(g.inputHeight), w: Int64(g.inputWidth),
      cin: Int64(g.inputChannels), cout: Int64(g.outputChannels), kh: Int64(g.kernelHeight),
      kw: Int64(g.kernelWidth), stride_h: Int64(g.strideH), stride_w: Int64(g.strideW),
      pad_h: Int64(g.padH), pad_w: Int64(g.padW), dilation_h: Int64(g.dilationH),
      dilation_w: Int64(g.dilationW), ho: Int64(g.outputHeight), wo: Int64(g.outputWidth))
    let index: Int32 = pass == .forward ? 0 : pass == .backwardData ? 1 : 2
    var error = [CChar](repeating: 0, count: 256)
    guard let conv = reid_onednn_conv_create(&shape, index, &error, Int64(error.count)) else {
      let message = String(
        decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      print("oneDNN: \(message) on \(g)")
      return nil
    }
    defer { reid_onednn_conv_destroy(conv) }
    let name = String(cString: reid_onednn_conv_implementation(conv))
    if !implementations.contains(name) { implementations.append(name) }
    var failed = false
    let seconds = Timing.median(budget: budget) {
      if reid_onednn_conv_execute(conv) != 0 { failed = true }
    }
    return failed ? nil : seconds
  }
}
