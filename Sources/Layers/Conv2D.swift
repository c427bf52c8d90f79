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
  public func forward(_ x: Tensor, _ parameters: ParameterSlab) -> Tensor {
    let g = geometry(for: x.shape)
    let w = parameters.valuePointer(weight)
    let b = bias.map { UnsafePointer(parameters.valuePointer($0)) }
    // Every GEMM of the forward pass runs with beta 0: it writes all of y.
    return Tensor(shape: [g.batch, g.outputHeight, g.outputWidth, outputChannels]) { py in
      x.withUnsafePointer { px in Convolution.forward(px, weight: w, bias: b, g, output: py) }
    }
  }

  /// Accumulates the gradients of the weight and bias (into `parameters`) and, when
  /// `inputGradient` is non-nil, of the input.
  ///
  /// x: (N, H, W, Cin), dy: (N, Ho, Wo, Cout), inputGradient: (N, H, W, Cin).
  public func backward(
    _ dy: Tensor, input x: Tensor, into inputGradient: inout Tensor?, _ parameters: ParameterSlab
  ) {
    let g = geometry(for: x.shape)
    checkPrecondition(
      dy.shape == [g.batch, g.outputHeight, g.outputWidth, outputChannels],
      "Conv2D.backward: dy \(dy.shape) for input \(x.shape) and \(g)")
    let dw = parameters.gradientPointer(weight)
    let db = bias.map { parameters.gradientPointer($0) }
    dy.withUnsafePointer { pdy in
      x.withUnsafePointer { px in
        Convolution.backwardWeights(pdy, input: px, g, weightGradient: dw, biasGradient: db)
      }
      if inputGradient != nil {
        checkPrecondition(
          inputGradient?.shape == x.shape,
          "Conv2D.backward: input gradient \(inputGradient?.shape ?? []) for input \(x.shape)")
        let w = parameters.valuePointer(weight)
        inputGradient?.withUnsafeMutablePointer { pdx in
          Convolution.backwardData(pdy, weight: w, g, inputGradient: pdx)
        }
      }
    }
  }
}
