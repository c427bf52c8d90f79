import TensorCore

/// How a tensor b broadcasts against an NHWC tensor a: each of b's four extents equals a's
/// or is 1.
///
/// a, y: (N, H, W, C); b: (N or 1, H or 1, W or 1, C or 1). The common uses are a part mask
/// (N, H, W, 1), a channel attention (N, 1, 1, C) and a same-shape operand.
public struct BroadcastGeometry: Hashable, Sendable {
  /// N, H, W, C of a and of the result.
  public let batch: Int
  public let height: Int
  public let width: Int
  public let channels: Int
  /// b's strides along N, H and W, 0 where b broadcasts.
  public let bStrideN: Int
  public let bStrideH: Int
  public let bStrideW: Int
  /// Whether b has all C channels (otherwise one scalar per pixel is broadcast).
  public let bHasChannels: Bool

  /// The geometry of a: `aShape` (N, H, W, C) against b: `bShape`.
  public init(aShape: [Int], bShape: [Int]) {
    checkPrecondition(
      aShape.count == 4 && bShape.count == 4,
      "Broadcast: a \(aShape) and b \(bShape) must both be (N, H, W, C)")
    for axis in 0..<4 {
      checkPrecondition(
        bShape[axis] == aShape[axis] || bShape[axis] == 1,
        "Broadcast: b \(bShape) does not broadcast to a \(aShape) along axis \(axis)")
    }
    (batch, height, width, channels) = (aShape[0], aShape[1], aShape[2], aShape[3])
    let bc = bShape[3]
    bStrideW = bShape[2] == 1 ? 0 : bc
    bStrideH = bShape[1] == 1 ? 0 : bShape[2] * bc
    bStrideN = bShape[0] == 1 ? 0 : bShape[1] * bShape[2] * bc
    // A single channel is treated as a broadcast scalar even when C == 1: same results.
    bHasChannels = bc != 1
  }

  /// The offset of pixel (n, h, w)'s channels in b.
  @inline(__always)
  func bOffset(_ n: Int, _ h: Int, _ w: Int) -> Int { n * bStrideN + h * bStrideH + w * bStrideW }
}

/// Broadcast multiply and add of NHWC tensors; see `BroadcastGeometry` for the shapes.
///
/// Backward passes reduce over b's broadcast axes in scan order (per-channel accumulators when
/// b has channels, a fixed-order `dot` / `sum` over C when it does not).
public enum BroadcastKernels {
  /// y = a * b, with b broadcast.
  public static func multiply(
    _ g: BroadcastGeometry, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    y: UnsafeMutablePointer<Float>
  ) {
    let c = g.channels
    for n in 0..<g.batch {
      for h in 0..<g.height {
        for w in 0..<g.width {
          let offset = ((n * g.height + h) * g.width + w) * c
          let aRow = a + offset
          let yRow = y + offset
          let bRow = b + g.bOffset(n, h, w)
          if g.bHasChannels {
            for k in 0..<c { yRow[k] = aRow[k] * bRow[k] }
          } else {
            let s = bRow[0]
            for k in 0..<c { yRow[k] = aRow[k] * s }
          }
        }
      }
    }
  }

  /// da += dy * b and db += dy * a summed over b's broadcast axes.
  public static func multiplyBackwardAccumulate(
    _ g: BroadcastGeometry, dy: UnsafePointer<Float>, a: UnsafePointer<Float>,
    b: UnsafePointer<Float>, da: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>
  ) {
    let c = g.channels
    for n in 0..<g.batch {
      for h in 0..<g.height {
        for w in 0..<g.width {
          let offset = ((n * g.height + h) * g.width + w) * c
          let (aRow, dyRow, daRow) = (a + offset, dy + offset, da + offset)
          let bOffset = g.bOffset(n, h, w)
          let (bRow, dbRow) = (b + bOffset, db + bOffset)
          if g.bHasChannels {
            for k in 0..<c { daRow[k] += dyRow[k] * bRow[k] }
            for k in 0..<c { dbRow[k] += dyRow[k] * aRow[k] }
          } else {
            let s = bRow[0]
            for k in 0..<c { daRow[k] += dyRow[k] * s }
            dbRow[0] += ElementwiseKernels.dot(dyRow, aRow, count: c)
          }
        }
      }
    }
  }

  /// y = a + b, with b broadcast.
  public static func add(
    _ g: BroadcastGeometry, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    y: UnsafeMutablePointer<Float>
  ) {
    let c = g.channels
    for n in 0..<g.batch {
      for h in 0..<g.height {
        for w in 0..<g.width {
          let offset = ((n * g.height + h) * g.width + w) * c
          let aRow = a + offset
          let yRow = y + offset
          let bRow = b + g.bOffset(n, h, w)
          if g.bHasChannels {
            for k in 0..<c { yRow[k] = aRow[k] + bRow[k] }
          } else {
            let s = bRow[0]
            for k in 0..<c { yRow[k] = aRow[k] + s }
          }
        }
      }
    }
  }

  /// da += dy and db += dy summed over b's broadcast axes.
  public static func addBackwardAccumulate(
    _ g: BroadcastGeometry, dy: UnsafePointer<Float>, da: UnsafeMutablePointer<Float>,
    db: UnsafeMutablePointer<Float>
  ) {
    let c = g.channels
    for n in 0..<g.batch {
      for h in 0..<g.height {
        for w in 0..<g.width {
          let offset = ((n * g.height + h) * g.width + w) * c
          let (dyRow, daRow) = (dy + offset, da + offset)
          let dbRow = db + g.bOffset(n, h, w)
          for k in 0..<c { daRow[k] += dyRow[k] }
          if g.bHasChannels {
            for k in 0..<c { dbRow[k] += dyRow[k] }
          } else {
            dbRow[0] += ElementwiseKernels.sum(dyRow, count: c)
          }
        }
      }
    }
  }
}
