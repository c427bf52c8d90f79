import Layers
import Models
import TensorCore
import XCTest
import _TestSupport

final class ProfilerTests: XCTestCase {
  override func tearDown() {
    Profiler.shared.enabled = false
    Profiler.shared.reset()
  }

  /// A measurement nested in another is the inner kind's time only: the outer kind gets its
  /// own time, so the kinds add up to the time measured.
  func testNestedMeasurementsAreExclusive() {
    let profiler = Profiler.shared
    profiler.reset()
    profiler.enabled = true
    let start = ContinuousClock.now
    profiler.measure(.attention) {
      profiler.measure(.conv) { _ = usleep(50_000) }
      profiler.measure(.resize) { _ = usleep(20_000) }
    }
    let elapsed = ContinuousClock.now - start
    profiler.enabled = false
    let seconds = profiler.seconds
    let conv = seconds[.conv] ?? 0
    let resize = seconds[.resize] ?? 0
    let attention = seconds[.attention] ?? -1
    XCTAssertGreaterThanOrEqual(conv, 0.05)
    XCTAssertGreaterThanOrEqual(resize, 0.02)
    XCTAssertGreaterThanOrEqual(attention, 0)
    XCTAssertLessThan(attention, 0.02, "the outer kind kept its nested measurements' time")
    let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    XCTAssertLessThanOrEqual(conv + resize + attention, total)
  }

  /// Forward passes count 2 M N K per convolution; backward passes count backward-weights
  /// always and backward-data only where an input gradient is wanted (not for the first layer
  /// here); nothing is counted while disabled.
  func testConvolutionFLOPsFollowTheWorkDone() {
    let slabs = ModelSlabs()
    let net = Sequential(
      ConvBlock("a", slabs, inputChannels: 3, outputChannels: 4, kernel: (3, 3), padding: (1, 1)),
      ConvBlock("b", slabs, inputChannels: 4, outputChannels: 5, kernel: (1, 1)))
    let x = Fixtures.uniform([2, 6, 5, 3], seed: 1)
    let first = 2.0 * (2 * 6 * 5) * 4 * (3 * 9)
    let second = 2.0 * (2 * 6 * 5) * 5 * 4
    let profiler = Profiler.shared
    profiler.reset()
    _ = net.forward(x, mode: .training, slabs)
    XCTAssertEqual(profiler.convFLOPs, 0)
    profiler.enabled = true
    let (y, cache) = net.forward(x, mode: .training, slabs)
    XCTAssertEqual(profiler.convFLOPs, first + second)
    var none: Tensor? = nil
    net.backward(Fixtures.uniform(y.shape, seed: 2), input: x, cache: cache, into: &none, slabs)
    XCTAssertEqual(profiler.convFLOPs, 2 * first + 3 * second)
  }
}
