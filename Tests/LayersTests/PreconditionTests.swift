import Layers
import TensorCore
import XCTest
import _TestSupport

/// Bad arguments to public APIs stop the program with a message naming the shapes, instead
/// of reading or writing out of bounds. Each scenario runs in a child process.
final class PreconditionTests: XCTestCase {
  static let scenarios: [String: (message: String, body: @Sendable () -> Void)] = [
    "conv-channels": (
      "Conv2D: input (1, 4, 4, 3) is not (N, H, W, 2)",
      {
        let slab = ParameterSlab()
        let conv = Conv2D("c", in: slab, inputChannels: 2, outputChannels: 1, kernel: (3, 3))
        _ = conv.forward(Tensor(shape: [1, 4, 4, 3]), slab)
      }
    ),
    "conv-too-small": (
      "gives no output",
      {
        let slab = ParameterSlab()
        let conv = Conv2D("c", in: slab, inputChannels: 1, outputChannels: 1, kernel: (5, 5))
        _ = conv.forward(Tensor(shape: [1, 3, 3, 1]), slab)
      }
    ),
    "negative-extent": ("Shape: negative extent in [2, -1]", { _ = Shape([2, -1]) }),
    "scalar-count": (
      "Tensor: 3 scalars for shape (2, 2) (4 expected)",
      { _ = Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
    ),
    "linear-gradient-shape": (
      "Linear.backward: dy (2, 4) for x (2, 3)",
      {
        let slab = ParameterSlab()
        let fc = Linear("fc", in: slab, inputFeatures: 3, outputFeatures: 5)
        var dx: Tensor? = nil
        fc.backward(
          Tensor(shape: [2, 4]), input: Tensor(shape: [2, 3]), into: &dx, slab)
      }
    ),
  ]

  func testBadArgumentsStopWithAMessageNamingTheShapes() throws {
    for (name, scenario) in Self.scenarios where DeathTest.isRunning(name) {
      scenario.body()
      return  // unreachable when the precondition works; the parent then sees a clean exit
    }
    if Self.scenarios.keys.contains(where: DeathTest.isRunning) { return }
    for (name, scenario) in Self.scenarios.sorted(by: { $0.key < $1.key }) {
      let outcome = try DeathTest.run(
        test: "LayersTests.PreconditionTests/testBadArgumentsStopWithAMessageNamingTheShapes",
        scenario: name)
      XCTAssertTrue(outcome.diedBySignal, "\(name) did not stop the program")
      XCTAssertTrue(
        outcome.standardError.contains(scenario.message),
        "\(name): expected '\(scenario.message)' in: \(outcome.standardError.suffix(500))")
    }
  }
}
