import Layers
import TensorCore

/// Blocks applied one after the other: y = f_n(... f_2(f_1(x))).
///
/// The cache keeps every intermediate activation (the input of each block but the first) and
/// each block's cache; backward walks them in reverse, each block returning a fresh gradient
/// for its input (`Block.inputGradient`).
public struct Sequential: Block {
  /// The blocks, in order.
  public let blocks: [AnyBlock]

  /// What backward needs: the input of blocks 1..<n and every block's cache.
  public struct Cache: Sendable {
    /// intermediates[i] is the input of block i + 1.
    public var intermediates: [Tensor]
    /// caches[i] is block i's cache.
    public var caches: [any Sendable]
  }

  /// A chain of `blocks` (at least one).
  public init(_ blocks: [AnyBlock]) {
    checkPrecondition(!blocks.isEmpty, "Sequential: no blocks")
    self.blocks = blocks
  }

  /// A chain of `blocks` (at least one).
  public init(_ blocks: any Block...) {
    self.init(blocks.map { AnyBlock($0) })
  }

  /// x: the first block's input -> y: the last block's output.
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    var cache = Cache(intermediates: [], caches: [])
    cache.intermediates.reserveCapacity(blocks.count - 1)
    cache.caches.reserveCapacity(blocks.count)
    var h = x
    for (i, block) in blocks.enumerated() {
      let (y, c) = block.forward(h, mode: mode, slabs)
      cache.caches.append(c)
      if i + 1 < blocks.count { cache.intermediates.append(y) }
      h = y
    }
    return (h, cache)
  }

  /// dx += dL/dx through every block, in reverse.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    blocks[0].backward(
      laterGradient(dy, cache: cache, slabs), input: x, cache: cache.caches[0], into: &dx, slabs)
  }

  /// dL/dx through every block, in reverse, as a new tensor.
  public func inputGradient(_ dy: Tensor, input x: Tensor, cache: Cache, _ slabs: ModelSlabs)
    -> Tensor
  {
    blocks[0].inputGradient(
      laterGradient(dy, cache: cache, slabs), input: x, cache: cache.caches[0], slabs)
  }

  /// The gradient of the first block's output: dy back through blocks n-1 ... 1.
  func laterGradient(_ dy: Tensor, cache: Cache, _ slabs: ModelSlabs) -> Tensor {
    var gradient = dy
    for i in stride(from: blocks.count - 1, through: 1, by: -1) {
      gradient = blocks[i].inputGradient(
        gradient, input: cache.intermediates[i - 1], cache: cache.caches[i], slabs)
    }
    return gradient
  }

  /// The last block's output shape.
  public func outputShape(for shape: Shape) -> Shape {
    blocks.reduce(shape) { $1.outputShape(for: $0) }
  }
}
