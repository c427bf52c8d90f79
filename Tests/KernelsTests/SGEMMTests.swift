import Kernels
import XCTest
import _TestSupport

final class SGEMMTests: XCTestCase {
  /// Every transpose combination, with row strides larger than the packed ones.
  func testSGEMMMatchesNaiveProductForAllTransposes() {
    let (m, n, k) = (5, 7, 3)
    for transA in [BLAS.Transpose.none, .transposed] {
      for transB in [BLAS.Transpose.none, .transposed] {
        let (aRows, aCols) = transA == .none ? (m, k) : (k, m)
        let (bRows, bCols) = transB == .none ? (k, n) : (n, k)
        let (lda, ldb, ldc) = (aCols + 2, bCols + 1, n + 3)
        let a = Fixtures.uniform([aRows * lda], seed: 1).scalars
        let b = Fixtures.uniform([bRows * ldb], seed: 2).scalars
        var c = Fixtures.uniform([m * ldc], seed: 3).scalars
        let c0 = c
        BLAS.sgemm(
          transA, transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 2,
          c: &c, ldc: ldc)
        for i in 0..<m {
          for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
              let av = transA == .none ? a[i * lda + p] : a[p * lda + i]
              let bv = transB == .none ? b[p * ldb + j] : b[j * ldb + p]
              sum += Double(av) * Double(bv)
            }
            let expected = 0.5 * sum + 2 * Double(c0[i * ldc + j])
            XCTAssertEqual(Double(c[i * ldc + j]), expected, accuracy: 1e-5)
          }
        }
      }
    }
  }

  func testRuntimeDescriptionNamesCoreAndThreads() {
    let info = BLAS.runtimeDescription
    XCTAssertFalse(info["corename", default: ""].isEmpty)
    XCTAssertNotNil(Int(info["threads", default: ""]))
  }
}
