import TensorCore

/// The sizes of a 2-D convolution (or a pooling window) over an NHWC batch.
///
/// Output size per spatial axis: (in + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1,
/// rounded down, as PyTorch computes it.
public struct ConvGeometry: Hashable, Sendable, CustomStringConvertible {
  public let batch: Int
  public let inputHeight: Int
  public let inputWidth: Int
  public let inputChannels: Int
  public let outputChannels: Int
  public let kernelHeight: Int
  public let kernelWidth: Int
  public let strideH: Int
  public let strideW: Int
  public let padH: Int
  public let padW: Int
  public let dilationH: Int
  public let dilationW: Int

  /// A geometry; preconditions reject sizes that give no output.
  public init(
    batch: Int, inputHeight: Int, inputWidth: Int, inputChannels: Int, outputChannels: Int,
    kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    dilation: (Int, Int) = (1, 1)
  ) {
    self.batch = batch
    self.inputHeight = inputHeight
    self.inputWidth = inputWidth
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    (kernelHeight, kernelWidth) = kernel
    (strideH, strideW) = stride
    (padH, padW) = padding
    (dilationH, dilationW) = dilation
    checkPrecondition(
      batch >= 0 && inputChannels > 0 && outputChannels > 0 && kernelHeight > 0
        && kernelWidth > 0 && strideH > 0 && strideW > 0 && padH >= 0 && padW >= 0
        && dilationH > 0 && dilationW > 0,
      "ConvGeometry: invalid sizes \(self)")
    checkPrecondition(
      outputHeight > 0 && outputWidth > 0,
      "ConvGeometry: input \(inputHeight)x\(inputWidth) gives no output for \(self)")
  }

  /// The output height.
  public var outputHeight: Int {
    (inputHeight + 2 * padH - dilationH * (kernelHeight - 1) - 1) / strideH + 1
  }

  /// The output width.
  public var outputWidth: Int {
    (inputWidth + 2 * padW - dilationW * (kernelWidth - 1) - 1) / strideW + 1
  }

  /// The number of output pixels over the batch: the M of every conv GEMM.
  public var outputPixels: Int { batch * outputHeight * outputWidth }

  /// The length of one im2col row: kh * kw * Cin, the K of the forward GEMM.
  public var patchSize: Int { kernelHeight * kernelWidth * inputChannels }

  /// Whether the convolution is a plain per-pixel matrix product (1x1, stride 1, no padding).
  public var isPointwise: Bool {
    kernelHeight == 1 && kernelWidth == 1 && strideH == 1 && strideW == 1 && padH == 0
      && padW == 0
  }

  /// Multiply-adds times two, for one forward pass.
  public var forwardFLOPs: Double {
    2 * Double(outputPixels) * Double(outputChannels) * Double(patchSize)
  }

  public var description: String {
    "conv(N \(batch), \(inputHeight)x\(inputWidth)x\(inputChannels) -> \(outputChannels), "
      + "k \(kernelHeight)x\(kernelWidth), s \(strideH),\(strideW), p \(padH),\(padW), "
      + "d \(dilationH),\(dilationW))"
  }
}
