/// numpy's float32 `np.exp`, to the bit, so that re-ranking weights equal the reference's.
///
/// numpy evaluates float32 exp on x86-64 with AVX2+FMA3 or AVX-512F (every machine this
/// project targets) by one algorithm in its own SIMD code, not libm's `expf`, and the two
/// differ by up to 2 ulp in about 40 % of arguments. Those ulps decide exact ties between
/// re-ranked distances, and so the CMC. The algorithm (numpy's
/// `loops_exponent_log.dispatch.c.src`, `simd_exp_FLOAT`): k = rint(x log2 e) with the 1.5 *
/// 2^23 trick, Cody-Waite reduction r = x + k c1 + k c2 with FMAs, exp(r) = P5(r) / Q2(r)
/// (Remez), scaled by 2^k; max error 2.52 ulp.
extension NumpyCompatible {
  private static let expOverflow: Float = 88.72283935546875
  private static let expUnderflow: Float = -103.97208404541015625
  private static let log2e: Float = 1.442695040888963407359924681001892137
  private static let magic: Float = 0x1.8p23
  private static let ln2High: Float = -6.93145752e-1
  private static let ln2Low: Float = -1.42860677e-6
  private static let p0: Float = 9.999999999980870924916e-01
  private static let p1: Float = 7.257664613233124478488e-01
  private static let p2: Float = 2.473615434895520810817e-01
  private static let p3: Float = 5.114512081637298353406e-02
  private static let p4: Float = 6.757896990527504603057e-03
  private static let p5: Float = 5.082762527590693718096e-04
  private static let q1: Float = -2.742335390411667452936e-01
  private static let q2: Float = 2.159509375685829852307e-02

  /// e^x as numpy computes it for a float32 array.
  public static func exp(_ x: Float) -> Float {
    if x.isNaN { return .nan }
    if x >= expOverflow { return .infinity }
    if x <= expUnderflow { return 0 }
    let k = (x * log2e + magic) - magic
    // fma(k, c, r) is r.addingProduct(k, c); numpy's third reduction step adds k * 0.
    let r = x.addingProduct(k, ln2High).addingProduct(k, ln2Low).addingProduct(k, 0)
    var numerator = p4.addingProduct(p5, r)
    numerator = p3.addingProduct(numerator, r)
    numerator = p2.addingProduct(numerator, r)
    numerator = p1.addingProduct(numerator, r)
    numerator = p0.addingProduct(numerator, r)
    let denominator = Float(1).addingProduct(q1.addingProduct(q2, r), r)
    return Float(sign: .plus, exponent: Int(k), significand: numerator / denominator)
  }
}
