import TensorCore

/// The sizes of a 2-D pooling window over an NHWC tensor, with PyTorch's output-size rules.
///
/// x: (N, H, W, C) -> y: (N, Ho, Wo, C). Output sizes follow `torch.nn.MaxPool2d` and
/// `AvgPool2d`: floor or ceil of (H + 2p - k) / s, plus one; with `ceilMode` the last window
/// must start inside the input or the left padding, so if (Ho - 1) * s >= H + p then Ho -= 1.
public struct Pool2DGeometry: Hashable, Sendable, CustomStringConvertible {
  /// N, H, W, C of the input.
  public let batch: Int
  public let inputHeight: Int
  public let inputWidth: Int
  public let channels: Int
  /// The window extent, step and zero-based padding on each side.
  public let kernelHeight: Int
  public let kernelWidth: Int
  public let strideH: Int
  public let strideW: Int
  public let padH: Int
  public let padW: Int
  /// Whether output sizes round up (PyTorch's `ceil_mode`).
  public let ceilMode: Bool
  /// Ho and Wo.
  public let outputHeight: Int
  public let outputWidth: Int

  /// The geometry of pooling an input of `inputShape` (N, H, W, C); padding must be at most
  /// half the kernel (as PyTorch requires) and the padded input at least one kernel.
  public init(
    inputShape: [Int], kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int),
    ceilMode: Bool
  ) {
    checkPrecondition(inputShape.count == 4, "Pool2D: input \(inputShape) is not (N, H, W, C)")
    checkPrecondition(
      kernel.0 >= 1 && kernel.1 >= 1 && stride.0 >= 1 && stride.1 >= 1,
      "Pool2D: kernel \(kernel) and stride \(stride) must be positive")
    checkPrecondition(
      padding.0 >= 0 && padding.1 >= 0 && 2 * padding.0 <= kernel.0 && 2 * padding.1 <= kernel.1,
      "Pool2D: padding \(padding) must be in 0...kernel/2 for kernel \(kernel)")
    batch = inputShape[0]
    inputHeight = inputShape[1]
    inputWidth = inputShape[2]
    channels = inputShape[3]
    (kernelHeight, kernelWidth) = kernel
    (strideH, strideW) = stride
    (padH, padW) = padding
    self.ceilMode = ceilMode
    outputHeight = Pool2DGeometry.outputSize(
      input: inputHeight, kernel: kernel.0, stride: stride.0, padding: padding.0,
      ceilMode: ceilMode)
    outputWidth = Pool2DGeometry.outputSize(
      input: inputWidth, kernel: kernel.1, stride: stride.1, padding: padding.1,
      ceilMode: ceilMode)
  }

  /// PyTorch's `pooling_output_shape` (dilation 1) for one spatial axis.
  public static func outputSize(
    input: Int, kernel: Int, stride: Int, padding: Int, ceilMode: Bool
  ) -> Int {
    checkPrecondition(
      input + 2 * padding >= kernel,
      "Pool2D: padded size \(input) + 2 * \(padding) is smaller than kernel \(kernel)")
    let span = input + 2 * padding - kernel + (ceilMode ? stride - 1 : 0)
    var size = span / stride + 1
    if ceilMode && (size - 1) * stride >= input + padding { size -= 1 }
    return size
  }

  /// The input shape (N, H, W, C).
  public var inputShape: [Int] { [batch, inputHeight, inputWidth, channels] }

  /// The output shape (N, Ho, Wo, C).
  public var outputShape: [Int] { [batch, outputHeight, outputWidth, channels] }

  public var description: String {
    "Pool2D(\(inputShape) -> \(outputShape), kernel \(kernelHeight)x\(kernelWidth), "
      + "stride \(strideH)x\(strideW), pad \(padH)x\(padW)\(ceilMode ? ", ceil" : ""))"
  }
}
