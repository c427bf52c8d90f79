import Layers
import TensorCore

/// A type-erased block, so that blocks of different types fit in one `Sequential` or
/// `Parallel`.
///
/// The erased cache is cast back to the wrapped block's cache type in backward; a cache from
/// another block is a programmer error.
public struct AnyBlock: Block {
  /// The erased cache of the wrapped block.
  public typealias Cache = any Sendable

  /// The wrapped block.
  public let base: any Block

  /// Wraps `block`.
  public init(_ block: some Block) {
    base = (block as? AnyBlock)?.base ?? block
  }

  /// x: (N, H, W, Cin) -> y, as the wrapped block.
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: any Sendable
  ) {
    let (y, cache) = base.forward(x, mode: mode, slabs)
    return (y, cache)
  }

  /// dx += dL/dx and parameter gradients, as the wrapped block.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: any Sendable, into dx: inout Tensor?,
    _ slabs: ModelSlabs
  ) {
    func open<B: Block>(_ block: B) {
      block.backward(dy, input: x, cache: Self.typed(cache, for: block), into: &dx, slabs)
    }
    open(base)
  }

  /// dL/dx as a new tensor, and parameter gradients, as the wrapped block.
  public func inputGradient(
    _ dy: Tensor, input x: Tensor, cache: any Sendable, _ slabs: ModelSlabs
  ) -> Tensor {
    func open<B: Block>(_ block: B) -> Tensor {
      block.inputGradient(dy, input: x, cache: Self.typed(cache, for: block), slabs)
    }
    return open(base)
  }

  /// The erased cache as the cache type of `block`.
  static func typed<B: Block>(_ cache: any Sendable, for block: B) -> B.Cache {
    guard let typed = cache as? B.Cache else {
      preconditionFailure("AnyBlock: a \(type(of: cache)) cache for \(B.self)")
    }
    return typed
  }

  /// The wrapped block's output shape.
  public func outputShape(for shape: Shape) -> Shape { base.outputShape(for: shape) }
}
