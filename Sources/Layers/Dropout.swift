import Kernels
import TensorCore

/// What dropout's backward needs: the scaled keep mask, or nothing for the identity.
public struct DropoutCache: Sendable {
  /// mask: the input's shape, 0 where dropped and 1 / (1 - p) where kept; nil when the
  /// forward pass was the identity (inference, or p = 0).
  public let mask: Tensor?
}

/// Inverted dropout: in training each scalar is zeroed with probability p and the kept ones
/// are scaled by 1 / (1 - p); in inference it is the identity.
///
/// x: any shape -> y: same shape. The mask comes from the caller's `RandomStream`, one
/// `nextUniform()` per scalar in row-major order (kept when the draw is >= p), so a run is
/// reproducible from the stream's state. p = 0 and inference draw nothing.
public struct Dropout: Sendable, Hashable {
  /// The probability of zeroing a scalar, in [0, 1].
  public let probability: Float

  /// A dropout layer that zeroes with probability `probability`.
  public init(probability: Float) {
    checkPrecondition(
      probability >= 0 && probability <= 1, "Dropout: probability \(probability) not in [0, 1]")
    self.probability = probability
  }

  /// y = x * mask in training, y = x in inference. x: any shape -> y: same shape.
  public func forward(_ x: Tensor, mode: LayerMode, random: inout RandomStream)
    -> (output: Tensor, cache: DropoutCache)
  {
    guard mode == .training, probability > 0 else { return (x, DropoutCache(mask: nil)) }
    let p = probability
    let keepScale: Float = p < 1 ? 1 / (1 - p) : 0
    var mask = Tensor(shape: x.shape)
    mask.withUnsafeMutableBufferPointer { m in
      for i in 0..<m.count { m[i] = random.nextUniform() >= p ? keepScale : 0 }
    }
    return (TensorOps.multiply(x, mask), DropoutCache(mask: mask))
  }

  /// dx += dy * mask (dx += dy for the identity). dy, dx: the input's shape.
  public func backward(_ dy: Tensor, cache: DropoutCache, into dx: inout Tensor) {
    checkSameShape(dx, dy.shape, "Dropout.backward dx")
    guard let mask = cache.mask else {
      TensorOps.accumulate(into: &dx, from: dy)
      return
    }
    checkSameShape(mask, dy.shape, "Dropout.backward mask")
    let count = dy.count
    dy.withUnsafePointer { pdy in
      mask.withUnsafePointer { pm in
        dx.withUnsafeMutablePointer {
          ElementwiseKernels.multiplyAccumulate(pdy, pm, into: $0, count: count)
        }
      }
    }
  }
}
