import Kernels
import TensorCore

/// A 2-D convolution with any kernel, stride, padding and dilation, and an optional bias.
///
/// x: (N, H, W, Cin) -> y: (N, Ho, Wo, Cout); weight: (Cout, Cin, kh, kw); bias: (Cout).
public struct Conv2D: Sendable {
  public let inputChannels: Int
  public let outputChannels: Int
  public let kernel: (Int, Int)
  public let stride: (Int, Int)
  public let padding: (Int, Int)
  public let dilation: (Int, Int)
  /// The weight, named `<name>.weight`.
  public let weight: ParameterID
  /// The bias, named `<name>.bias`, if the layer has one.
  public let bias: ParameterID?

  /// Registers `<name>.weight` (and `<name>.bias`) in `parameters`.
  public init(
    _ name: String, in parameters: ParameterSlab, inputChannels: Int, outputChannels: Int,
    kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    dilation: (Int, Int) = (1, 1), bias: Bool = false
  ) {
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    weight = parameters.register(
      "\(name).weight", shape: [outputChannels, inputChannels, kernel.0, kernel.1])
    self.bias = bias ? parameters.register("\(name).bias", shape: [outputChannels]) : nil
  }

  /// The geometry for an input of `shape` (N, H, W, Cin).
  public func geometry(for shape: Shape) -> ConvGeometry {
    checkPrecondition(
      shape.rank == 4 && shape[3] == inputChannels,
      "Conv2D: input \(shape) is not (N, H, W, \(inputChannels))")
    return ConvGeometry(
      batch: shape[0], inputHeight: shape[1], inputWidth: shape[2],
      inputChannels: inputChannels, outputChannels: outputChannels, kernel: kernel,
      stride: stride, padding: padding, dilation: dilation)
  }

  /// PyTorch's default initialization: weight and bias uniform in ±1/sqrt(fan_in)
  /// (`kaiming_uniform_(a=sqrt(5))`).
  public func resetParameters(_ parameters: ParameterSlab, using stream: inout RandomStream) {
    let bound = 1 / Float(inputChannels * kernel.0 * kernel.1).squareRoot()
    for id in [weight] + (bias.map { [$0] } ?? []) {
      let v = parameters.values(id)
      for i in 0..<v.count { v[i] = stream.nextUniform(-bound, bound) }
    }
  }

  /// x: (N, H, W, Cin) -> y: (N, Ho, Wo, Cout).
  ///
  /// In a sharded step each shard of the batch is its own GEMM, so an image's output does
  /// not depend on how many shards share this process (`BatchShards`).
  public func forward(_ x: Tensor, _ parameters: ParameterSlab) -> Tensor {
    let g = geometry(for: x.shape)
    let w = parameters.valuePointer(weight)
    let b = bias.map { UnsafePointer(parameters.valuePointer($0)) }
    let (inputImage, outputImage) = imageSizes(g)
    // Every GEMM of the forward pass runs with beta 0: it writes all of y.
    return Tensor(shape: [g.batch, g.outputHeight, g.outputWidth, outputChannels]) { py in
      x.withUnsafePointer { px in
        for images in BatchShards.localSlices(g.batch) {
          Convolution.forward(
            px + images.lowerBound * inputImage, weight: w, bias: b,
            geometry(for: x.shape, batch: images.count),
            output: py + images.lowerBound * outputImage)
        }
      }
    }
  }

  /// Accumulates the gradients of the weight and bias (into `parameters`) and, when
  /// `inputGradient` is non-nil, of the input.
  ///
  /// x: (N, H, W, Cin), dy: (N, Ho, Wo, Cout), inputGradient: (N, H, W, Cin). In a sharded
  /// step, shard s's weight gradient accumulates into gradient bank s (`BatchShards`).
  public func backward(
    _ dy: Tensor, input x: Tensor, into inputGradient: inout Tensor?, _ parameters: ParameterSlab
  ) {
    backwardWeights(dy, input: x, parameters)
    guard var dx = inputGradient else { return }
    checkPrecondition(
      dx.shape == x.shape, "Conv2D.backward: input gradient \(dx.shape) for input \(x.shape)")
    // Moved out and back, so that dx's storage stays uniquely referenced (no copy).
    inputGradient = nil
    backwardData(dy, into: &dx, parameters)
    inputGradient = dx
  }

  /// Accumulates the gradients of the weight and bias into `parameters`, each shard's into its
  /// gradient bank: `backward` without the input's gradient.
  ///
  /// x: (N, H, W, Cin), dy: (N, Ho, Wo, Cout).
  public func backwardWeights(_ dy: Tensor, input x: Tensor, _ parameters: ParameterSlab) {
    let g = checkedGeometry(dy, inputShape: x.shape)
    let (inputImage, outputImage) = imageSizes(g)
    dy.withUnsafePointer { pdy in
      x.withUnsafePointer { px in
        for (shard, images) in BatchShards.localSlices(g.batch).enumerated() {
          parameters.selectGradientBank(shard)
          Convolution.backwardWeights(
            pdy + images.lowerBound * outputImage, input: px + images.lowerBound * inputImage,
            geometry(for: x.shape, batch: images.count),
            weightGradient: parameters.gradientPointer(weight),
            biasGradient: bias.map { parameters.gradientPointer($0) })
        }
        parameters.selectGradientBank(0)
      }
    }
  }

  /// Accumulates the input's gradient for dy into `inputGradient`: `backward` without the
  /// weight's, which needs no input (only its shape, that of `inputGradient`).
  ///
  /// dy: (N, Ho, Wo, Cout), inputGradient: (N, H, W, Cin).
  public func backwardData(
    _ dy: Tensor, into inputGradient: inout Tensor, _ parameters: ParameterSlab
  ) {
    let shape = inputGradient.shape
    inputGradient.withUnsafeMutablePointer { pdx in
      backwardData(dy, inputShape: shape, into: pdx, accumulate: true, parameters)
    }
  }

  /// The input's gradient for dy, as a new tensor: `backwardData` into zeros, with the same
  /// bits, but without zeroing the tensor first (the kernels write each scalar as if added
  /// to zero).
  ///
  /// dy: (N, Ho, Wo, Cout) -> (N, H, W, Cin), the input's shape `inputShape`.
  public func inputGradient(_ dy: Tensor, inputShape: Shape, _ parameters: ParameterSlab)
    -> Tensor
  {
    Tensor(shape: inputShape) { pdx in
      backwardData(dy, inputShape: inputShape, into: pdx, accumulate: false, parameters)
    }
  }

  /// Backward-data of every shard into dx (inputShape), accumulating or not.
  func backwardData(
    _ dy: Tensor, inputShape: Shape, into dx: UnsafeMutablePointer<Float>, accumulate: Bool,
    _ parameters: ParameterSlab
  ) {
    let g = checkedGeometry(dy, inputShape: inputShape)
    let (inputImage, outputImage) = imageSizes(g)
    let w = parameters.valuePointer(weight)
    dy.withUnsafePointer { pdy in
      for images in BatchShards.localSlices(g.batch) {
        Convolution.backwardData(
          pdy + images.lowerBound * outputImage, weight: w,
          geometry(for: inputShape, batch: images.count),
          inputGradient: dx + images.lowerBound * inputImage, accumulate: accumulate)
      }
    }
  }

  /// The geometry for an input of `inputShape`, after checking that dy is its output's shape.
  func checkedGeometry(_ dy: Tensor, inputShape: Shape) -> ConvGeometry {
    let g = geometry(for: inputShape)
    checkPrecondition(
      dy.shape == [g.batch, g.outputHeight, g.outputWidth, outputChannels],
      "Conv2D.backward: dy \(dy.shape) for input \(inputShape) and \(g)")
    return g
  }

  /// The geometry of `batch` images of an input of `shape`.
  func geometry(for shape: Shape, batch: Int) -> ConvGeometry {
    geometry(for: Shape([batch] + shape.dims.dropFirst()))
  }

  /// The scalars of one input image and of one output image.
  func imageSizes(_ g: ConvGeometry) -> (input: Int, output: Int) {
    (
      g.inputHeight * g.inputWidth * inputChannels,
      g.outputHeight * g.outputWidth * outputChannels
    )
  }
}
