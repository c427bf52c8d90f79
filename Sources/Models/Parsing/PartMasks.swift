import Layers
import TensorCore

/// The five part-level attention maps from LIP parsing probabilities (DESIGN.md section 2):
/// foreground = 1 - P(background); head = hat, hair, sunglasses, face; upper body = glove,
/// upper-clothes, dress, coat, jumpsuits, scarf, arms; legs = pants, skirt, legs; feet =
/// socks, shoes.
///
/// probabilities: (N, h, w, 20) -> masks: (N, h, w, 5), channel k = part k in that order.
public struct PartGrouping: Sendable {
  /// The LIP labels summed into each of the parts 1..4 (the foreground is 1 - P(0)).
  public static let groups: [[Int]] = [
    [1, 2, 4, 13], [3, 5, 6, 7, 10, 11, 14, 15], [9, 12, 16, 17], [8, 18, 19],
  ]

  /// The number of part maps.
  public static let parts = 5

  /// The grouping (it has no configuration).
  public init() {}

  /// probabilities (N, h, w, 20) -> masks (N, h, w, 5).
  public func forward(_ p: Tensor) -> Tensor {
    let c = p.shape.dims.last ?? 0
    checkPrecondition(c == ParsingStream.lipClasses, "PartGrouping: \(p.shape) is not (…, 20)")
    let pixels = p.count / c
    var m = Tensor(shape: Shape(p.shape.dims.dropLast() + [Self.parts]))
    p.withUnsafePointer { pp in
      m.withUnsafeMutablePointer { pm in
        for i in 0..<pixels {
          let (src, dst) = (pp + i * c, pm + i * Self.parts)
          dst[0] = 1 - src[0]
          for (k, labels) in Self.groups.enumerated() {
            var sum: Float = 0
            for label in labels { sum += src[label] }
            dst[k + 1] = sum
          }
        }
      }
    }
    return m
  }

  /// dp += the transpose of the grouping applied to dm. dm: (N, h, w, 5); dp: (N, h, w, 20).
  public func backward(_ dm: Tensor, into dp: inout Tensor) {
    let c = ParsingStream.lipClasses
    checkPrecondition(
      dp.count / c == dm.count / Self.parts, "PartGrouping.backward: dm \(dm.shape), dp \(dp.shape)"
    )
    let pixels = dm.count / Self.parts
    dm.withUnsafePointer { pm in
      dp.withUnsafeMutablePointer { pp in
        for i in 0..<pixels {
          let (src, dst) = (pm + i * Self.parts, pp + i * c)
          dst[0] -= src[0]
          for (k, labels) in Self.groups.enumerated() {
            for label in labels { dst[label] += src[k + 1] }
          }
        }
      }
    }
  }
}

/// Parsing logits to part masks at the appearance map's size: channel softmax, grouping,
/// bilinear resize (align_corners false, `F.interpolate`'s default).
///
/// logits: (N, h', w', 20) -> masks: (N, h, w, 5).
public struct PartMasks: Sendable {
  /// The appearance map's (height, width).
  public let height: Int
  public let width: Int

  /// What backward needs: the softmax output and the grouped masks before resizing.
  public struct Cache: Sendable {
    var probabilities: Tensor
    var grouped: Tensor
  }

  /// Masks resized to (height, width).
  public init(height: Int, width: Int) {
    self.height = height
    self.width = width
  }

  /// logits (N, h', w', 20) -> masks (N, height, width, 5).
  public func forward(_ logits: Tensor) -> (output: Tensor, cache: Cache) {
    let p = ChannelSoftmax().forward(logits)
    let grouped = PartGrouping().forward(p)
    let resize = BilinearResize(height: height, width: width, alignCorners: false)
    return (resize.profiledForward(grouped), Cache(probabilities: p, grouped: grouped))
  }

  /// dlogits += the gradient through resize, grouping and softmax.
  public func backward(_ dMasks: Tensor, cache: Cache, into dLogits: inout Tensor) {
    var dGrouped = Tensor(shape: cache.grouped.shape)
    BilinearResize(height: height, width: width, alignCorners: false)
      .profiledBackward(dMasks, into: &dGrouped)
    var dp = Tensor(shape: cache.probabilities.shape)
    PartGrouping().backward(dGrouped, into: &dp)
    ChannelSoftmax().backward(dp, output: cache.probabilities, into: &dLogits)
  }
}
