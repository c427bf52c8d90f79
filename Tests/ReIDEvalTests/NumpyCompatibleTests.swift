import ReIDEval
import XCTest

/// numpy's float32 exp and summation order, against bits numpy 2.4 printed on x86-64
/// (AVX-512F; its AVX2+FMA3 kernel is the same algorithm).
final class NumpyCompatibleTests: XCTestCase {
  /// (x, np.exp(x)) as float32 bit patterns: the re-ranking range [-1, 0], the worst case
  /// 0xc2781e37, subnormal results, overflow and underflow.
  static let exponentials: [(UInt32, UInt32)] = [
    (0x0000_0000, 0x3f80_0000), (0xb22b_cc77, 0x3f80_0000), (0xba83_126f, 0x3f7f_be7f),
    (0xbdcc_cccd, 0x3f67_a36d), (0xbe99_999a, 0x3f3d_a643), (0xbf00_0000, 0x3f1b_4598),
    (0xbf31_7218, 0x3f00_0000), (0xbf40_0000, 0x3ef1_da07), (0xbf80_0000, 0x3ebc_5ab1),
    (0x3f00_0000, 0x3fd3_094c), (0x3f80_0000, 0x402d_f855), (0x4120_0000, 0x46ac_14ef),
    (0xc1a0_0000, 0x310d_a433), (0xc2ae_0000, 0x00b3_3687), (0xc2c8_0000, 0x0000_001b),
    (0xc2d0_0000, 0x0000_0000), (0x42b0_0000, 0x7ef8_82b7), (0x42b2_0000, 0x7f80_0000),
    (0xc278_1e37, 0x12b6_5236), (0xbf4e_14ac, 0x3ee4_e889), (0xbf4e_d535, 0x3ee4_3ca1),
    (0xbf03_ec60, 0x3f18_e90d), (0xbe92_548f, 0x3f40_5c87), (0xbd5c_e671, 0x3f72_8f37),
    (0xbec4_48ed, 0x3f2e_7ad0), (0xbed1_2366, 0x3f2a_2771), (0xbd39_727b, 0x3f74_ab04),
    (0xbd47_b62a, 0x3f73_d143), (0xbf7f_ca02, 0x3ebc_826f), (0xbf27_01a9, 0x3f05_53d6),
    (0xbe70_2371, 0x3f4a_7c3c), (0xbede_b172, 0x3f25_b55d),
  ]

  func testExpMatchesNumpyBits() {
    for (x, expected) in Self.exponentials {
      let value = NumpyCompatible.exp(Float(bitPattern: x))
      XCTAssertEqual(
        value.bitPattern, expected,
        "exp(\(Float(bitPattern: x))) = \(value), numpy \(Float(bitPattern: expected))")
    }
    XCTAssertTrue(NumpyCompatible.exp(.nan).isNaN)
  }

  /// np.sum of x_k = 1 / (k + 1.5), k < n, in float32 and float64: sizes around numpy's
  /// 8-accumulator unroll and its 128-element pairwise blocks.
  func testSumsMatchNumpyBits() {
    let sums: [(Int, UInt32, UInt64)] = [
      (1, 0x3f2a_aaab, 0x3fe5_5555_5555_5555), (5, 0x3fe0_d26a, 0x3ffc_1a4d_47bd_3603),
      (7, 0x4002_ca5b, 0x4000_594b_662a_bfc4), (8, 0x400a_51e4, 0x4001_4a3c_571b_b0b4),
      (9, 0x4011_0e86, 0x4002_21d0_8d00_be2d), (16, 0x4032_ffe0, 0x4006_5ffc_0bc3_7265),
      (17, 0x4036_a81b, 0x4006_d503_5c38_79b5), (100, 0x4092_842c, 0x4012_5085_9883_5e5c),
      (128, 0x409a_58ae, 0x4013_4b15_b109_b31c), (129, 0x409a_97f0, 0x4013_52fd_f834_339a),
      (300, 0x40b5_75ba, 0x4016_aeb7_34c0_6ff4), (1000, 0x40db_e998, 0x401b_7d32_fefb_e397),
    ]
    for (n, single, double) in sums {
      let values = (0..<n).map { 1 / (Double($0) + 1.5) }
      XCTAssertEqual(NumpyCompatible.sum(values.map { Float($0) }).bitPattern, single, "n \(n)")
      XCTAssertEqual(NumpyCompatible.sum(values).bitPattern, double, "n \(n)")
      XCTAssertEqual(NumpyCompatible.mean(values), Double(bitPattern: double) / Double(n))
    }
  }
}
