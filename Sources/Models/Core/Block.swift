import Layers
import TensorCore

/// The two slabs a model's blocks read and write: trainable parameters (with gradients) and
/// buffers (batch-norm running statistics, without gradients).
public struct ModelSlabs: Sendable {
  /// Weights and biases, with a parallel gradient slab.
  public let parameters: ParameterSlab
  /// Running means, variances and batch counters; no gradients.
  public let buffers: ParameterSlab

  /// Two empty slabs.
  public init() {
    parameters = ParameterSlab()
    buffers = ParameterSlab(hasGradients: false)
  }

  /// The scalars of all parameters and of all buffers.
  public var counts: (parameters: Int, buffers: Int) { (parameters.count, buffers.count) }
}

/// A piece of a network with an explicit forward and an accumulating backward.
///
/// Blocks compose (`Sequential`, `Parallel`) into the backbones. A block registers its
/// parameters under PyTorch's dotted names when it is built and holds only `ParameterID`s.
/// Activations are NHWC. `forward` returns the output and whatever backward needs (`Cache`);
/// `backward` adds the input gradient into `dx` (when the caller wants it: a nil `dx` skips
/// that work) and the parameter gradients into `slabs.parameters`. It never zeroes.
public protocol Block: Sendable {
  /// What backward needs from the forward pass.
  associatedtype Cache: Sendable

  /// x: (N, H, W, Cin) -> y: (N, Ho, Wo, Cout). Training mode updates BN running statistics.
  func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (output: Tensor, cache: Cache)

  /// dx += dL/dx (when dx is non-nil) and parameter gradients += dL/dθ, given dy = dL/dy.
  ///
  /// x: the forward input (N, H, W, Cin); dy: (N, Ho, Wo, Cout); dx: x's shape.
  func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs)

  /// dL/dx as a new tensor, and parameter gradients += dL/dθ: the bits of `backward` into a
  /// zeroed dx. Blocks whose kernels can write a fresh gradient (`Conv2D.inputGradient`)
  /// skip the zero fill; the default zeroes a tensor and calls `backward`.
  ///
  /// x: the forward input (N, H, W, Cin); dy: (N, Ho, Wo, Cout); returns x's shape.
  func inputGradient(_ dy: Tensor, input x: Tensor, cache: Cache, _ slabs: ModelSlabs) -> Tensor

  /// The output shape for an input of `shape` (N, H, W, Cin), without computing anything.
  func outputShape(for shape: Shape) -> Shape
}

extension Block {
  /// `backward` into a zeroed tensor.
  public func inputGradient(_ dy: Tensor, input x: Tensor, cache: Cache, _ slabs: ModelSlabs)
    -> Tensor
  {
    var dx: Tensor? = Tensor(shape: x.shape)
    backward(dy, input: x, cache: cache, into: &dx, slabs)
    guard let dx else { preconditionFailure("\(Self.self).backward dropped the input gradient") }
    return dx
  }
}

/// Runs `body` on the gradient held by `dx`, if any, without copying it.
///
/// Moving the tensor out first keeps its storage uniquely referenced, so the in-place
/// accumulation does not trigger a copy-on-write.
@inline(__always)
func withGradient(_ dx: inout Tensor?, _ body: (inout Tensor) -> Void) {
  guard var gradient = dx else { return }
  dx = nil
  body(&gradient)
  dx = gradient
}
