#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Pointer-level elementwise loops and fixed-order reductions over flat `Float` buffers.
///
/// Every function works on `count` contiguous scalars; the layout does not matter. Functions
/// whose name says `accumulate` add into their destination (`+=`) and never zero it.
public enum ElementwiseKernels {
  /// y = max(x, 0). x, y: (count)
  public static func reluForward(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { y[i] = x[i] > 0 ? x[i] : 0 }
  }

  /// dx += dy where y > 0 (relu'(0) = 0, as PyTorch). y, dy, dx: (count)
  public static func reluBackwardAccumulate(
    output y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
    _ dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { dx[i] += y[i] > 0 ? dy[i] : 0 }
  }

  /// y = 1 / (1 + exp(-x)), evaluated without overflow for large |x|. x, y: (count)
  public static func sigmoidForward(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count {
      let v = x[i]
      if v >= 0 {
        y[i] = 1 / (1 + expf(-v))
      } else {
        let e = expf(v)
        y[i] = e / (1 + e)
      }
    }
  }

  /// dx += dy * (1 - y) * y, from the sigmoid's output y. y, dy, dx: (count)
  public static func sigmoidBackwardAccumulate(
    output y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
    _ dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { dx[i] += dy[i] * (1 - y[i]) * y[i] }
  }

  /// dst += src. dst, src: (count)
  public static func accumulate(
    _ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { dst[i] += src[i] }
  }

  /// dst += alpha * src. dst, src: (count)
  public static func accumulate(
    _ src: UnsafePointer<Float>, scaledBy alpha: Float, into dst: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    for i in 0..<count { dst[i] += alpha * src[i] }
  }

  /// dst *= alpha. dst: (count)
  public static func scale(_ dst: UnsafeMutablePointer<Float>, by alpha: Float, count: Int) {
    for i in 0..<count { dst[i] *= alpha }
  }

  /// y = a * b. a, b, y: (count)
  public static func multiply(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    for i in 0..<count { y[i] = a[i] * b[i] }
  }

  /// dst += a * b. a, b, dst: (count)
  public static func multiplyAccumulate(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    for i in 0..<count { dst[i] += a[i] * b[i] }
  }

  /// The sum of a[i] * b[i] in a fixed order: 16 lanes of partial sums, then lanes 0..15, then
  /// the tail. The same bits under every ISA flag. a, b: (count)
  public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int)
    -> Float
  {
    var lanes = SIMD16<Float>()
    var i = 0
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    let stride = MemoryLayout<Float>.stride
    while i + 16 <= count {
      let va = ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
      let vb = rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
      lanes += va * vb
      i += 16
    }
    var total: Float = 0
    for lane in 0..<16 { total += lanes[lane] }
    while i < count {
      total += a[i] * b[i]
      i += 1
    }
    return total
  }

  /// The sum of a[i] in the same fixed order as `dot`. a: (count)
  public static func sum(_ a: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD16<Float>()
    var i = 0
    let ra = UnsafeRawPointer(a)
    let stride = MemoryLayout<Float>.stride
    while i + 16 <= count {
      lanes += ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
      i += 16
    }
    var total: Float = 0
    for lane in 0..<16 { total += lanes[lane] }
    while i < count {
      total += a[i]
      i += 1
    }
    return total
  }
}
