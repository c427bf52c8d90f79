import Layers
import TensorCore

/// Builds Inception's `BasicConv2d` blocks (conv without bias, BatchNorm eps 0.001, ReLU) at
/// a given width scale: the names `<name>.conv.weight` and `<name>.bn.*` are torchvision's.
struct InceptionBuilder {
  let slabs: ModelSlabs
  let width: WidthScale
  /// The dilation applied to every convolution larger than 1x1 (2 after the dilated
  /// `Mixed_7a`).
  var dilation = 1

  /// A `BasicConv2d(in, out, kernel, stride, padding)` with unscaled channel counts (the
  /// image's 3 input channels are never scaled).
  func conv(
    _ name: String, _ inputChannels: Int, _ outputChannels: Int, kernel: (Int, Int),
    stride: Int = 1, padding: (Int, Int) = (0, 0)
  ) -> AnyBlock {
    let cin = inputChannels == 3 ? 3 : width.channels(inputChannels)
    let cout = width.channels(outputChannels)
    let d = dilation
    let dil = (kernel.0 > 1 ? d : 1, kernel.1 > 1 ? d : 1)
    let pad = (padding.0 * dil.0, padding.1 * dil.1)
    return AnyBlock(
      Sequential(
        ConvBlock(
          "\(name).conv", slabs, inputChannels: cin, outputChannels: cout, kernel: kernel,
          stride: (stride, stride), padding: pad, dilation: dil),
        BatchNormBlock("\(name).bn", slabs, channels: cout, epsilon: 1e-3, relu: true)))
  }

  /// A square `BasicConv2d`.
  func conv(
    _ name: String, _ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1,
    padding: Int = 0
  ) -> AnyBlock {
    conv(
      name, inputChannels, outputChannels, kernel: (kernel, kernel), stride: stride,
      padding: (padding, padding))
  }

  /// `nn.Sequential` of blocks, as one block.
  func chain(_ blocks: AnyBlock...) -> AnyBlock { AnyBlock(Sequential(blocks)) }

  /// The branch outputs concatenated along the channels.
  func concat(_ blocks: AnyBlock...) -> AnyBlock { AnyBlock(Parallel(blocks)) }

  /// The 3x3 stride-1 average pool (count_include_pad) of the pool branches.
  var averagePool3x3: AnyBlock { AnyBlock(AvgPoolBlock(kernelSize: 3, stride: 1, padding: 1)) }
}
