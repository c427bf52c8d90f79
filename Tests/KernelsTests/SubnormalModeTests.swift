import Kernels
import XCTest

final class SubnormalModeTests: XCTestCase {
  override func tearDown() {
    SubnormalMode.computeExactly()
    super.tearDown()
  }

  /// A 2-thread sgemm of subnormal A and large B: every element of C is exactly zero when
  /// the main thread and OpenBLAS's workers read subnormals as zero, and none is otherwise.
  func testFlushToZeroReachesEveryBLASThread() {
    let previousThreads = BLAS.threads
    BLAS.setThreads(2)
    defer { BLAS.setThreads(previousThreads) }
    let (m, n, k) = (512, 512, 256)
    let a = [Float](repeating: Float.leastNormalMagnitude / 4, count: m * k)
    let b = [Float](repeating: 1e20, count: k * n)
    func product() -> [Float] {
      var c = [Float](repeating: -1, count: m * n)
      BLAS.sgemm(.none, .none, m: m, n: n, k: k, a: a, b: b, c: &c)
      return c
    }

    SubnormalMode.computeExactly()
    XCTAssertFalse(SubnormalMode.isFlushingOnThisThread)
    XCTAssertEqual(product().filter { $0 == 0 }.count, 0, "exact mode lost subnormal inputs")

    SubnormalMode.flushToZero()
    XCTAssertTrue(SubnormalMode.isFlushingOnThisThread)
    XCTAssertEqual(product().filter { $0 != 0 }.count, 0, "a BLAS thread kept subnormal inputs")
    XCTAssertEqual(BLAS.threads, 2, "restarting the workers kept the thread count")
  }
}
