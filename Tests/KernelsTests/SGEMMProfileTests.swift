import Kernels
import XCTest

final class SGEMMProfileTests: XCTestCase {
  /// Calls are grouped by transposes and shape, counted and given 2 M N K FLOPs each; nothing
  /// is recorded while the profile is off or after a reset.
  func testRecordsCallsByShapeOnlyWhileEnabled() {
    let profile = SGEMMProfile.shared
    defer {
      profile.enabled = false
      profile.reset()
    }
    let a = [Float](repeating: 1, count: 6 * 4)
    let b = [Float](repeating: 1, count: 4 * 5)
    var c = [Float](repeating: 0, count: 6 * 5)
    profile.reset()
    BLAS.sgemm(.none, .none, m: 6, n: 5, k: 4, a: a, b: b, c: &c)
    XCTAssertTrue(profile.report.isEmpty)
    profile.enabled = true
    BLAS.sgemm(.none, .none, m: 6, n: 5, k: 4, a: a, b: b, c: &c)
    BLAS.sgemm(.none, .none, m: 6, n: 5, k: 4, a: a, b: b, c: &c)
    BLAS.sgemm(.transposed, .none, m: 4, n: 5, k: 6, a: a, b: b, c: &c)
    let report = profile.report
    XCTAssertEqual(Set(report.map(\.shape)), ["NN 6x5x4", "TN 4x5x6"])
    let square = report.first { $0.shape == "NN 6x5x4" }
    XCTAssertEqual(square?.calls, 2)
    XCTAssertEqual(square?.flops, 2 * 2 * 6 * 5 * 4)
    XCTAssertGreaterThan(square?.seconds ?? 0, 0)
    XCTAssertEqual(profile.totalSeconds, report.reduce(0) { $0 + $1.seconds })
    profile.reset()
    XCTAssertTrue(profile.report.isEmpty)
    XCTAssertEqual(profile.totalSeconds, 0)
  }
}
