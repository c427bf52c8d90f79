import Kernels
import Layers
import TensorCore

/// Branches applied to the same input, their outputs concatenated along the channels (an
/// Inception module).
///
/// x: (N, H, W, Cin) -> y: (N, Ho, Wo, sum Ci); every branch must give the same N, Ho, Wo.
/// Backward hands each branch its channel block of dy and lets all of them accumulate into
/// the one input gradient.
public struct Parallel: Block {
  /// The branches, in concatenation order.
  public let branches: [AnyBlock]

  /// What backward needs: each branch's channel count and cache.
  public struct Cache: Sendable {
    /// The channels each branch contributed, in order.
    public var channels: [Int]
    /// caches[i] is branch i's cache.
    public var caches: [any Sendable]
  }

  /// Branches concatenated in the order given (at least one).
  public init(_ branches: [AnyBlock]) {
    checkPrecondition(!branches.isEmpty, "Parallel: no branches")
    self.branches = branches
  }

  /// Branches concatenated in the order given (at least one).
  public init(_ branches: any Block...) {
    self.init(branches.map { AnyBlock($0) })
  }

  /// x: (N, H, W, Cin) -> y: (N, Ho, Wo, sum Ci).
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    var outputs: [Tensor] = []
    var caches: [any Sendable] = []
    for branch in branches {
      let (y, c) = branch.forward(x, mode: mode, slabs)
      outputs.append(y)
      caches.append(c)
    }
    let y = Profiler.shared.measure(.concat) {
      outputs.count == 1 ? outputs[0] : ChannelConcat().forward(outputs)
    }
    return (y, Cache(channels: outputs.map { $0.shape[3] }, caches: caches))
  }

  /// dx += the sum of every branch's input gradient, each driven by its block of dy.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    let blocks = branchGradients(dy, cache: cache)
    for (i, branch) in branches.enumerated() {
      branch.backward(blocks[i], input: x, cache: cache.caches[i], into: &dx, slabs)
    }
  }

  /// The sum of every branch's input gradient as a new tensor: the first branch's, then the
  /// others added to it in order (the bits of adding all of them into zeros).
  public func inputGradient(_ dy: Tensor, input x: Tensor, cache: Cache, _ slabs: ModelSlabs)
    -> Tensor
  {
    let blocks = branchGradients(dy, cache: cache)
    var dx: Tensor? = branches[0].inputGradient(
      blocks[0], input: x, cache: cache.caches[0], slabs)
    for i in branches.indices.dropFirst() {
      branches[i].backward(blocks[i], input: x, cache: cache.caches[i], into: &dx, slabs)
    }
    guard let dx else { preconditionFailure("Parallel: a branch dropped the input gradient") }
    return dx
  }

  /// Each branch's block of dy's channels.
  func branchGradients(_ dy: Tensor, cache: Cache) -> [Tensor] {
    Profiler.shared.measure(.concat) {
      branches.count == 1 ? [dy] : ChannelSplit(sizes: cache.channels).forward(dy)
    }
  }

  /// The concatenated output shape.
  public func outputShape(for shape: Shape) -> Shape {
    let shapes = branches.map { $0.outputShape(for: shape) }
    var dims = shapes[0].dims
    dims[3] = shapes.reduce(0) { $0 + $1[3] }
    return Shape(dims)
  }
}
