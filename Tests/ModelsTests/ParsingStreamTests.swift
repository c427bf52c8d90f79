import Layers
import Models
import TensorCore
import XCTest
import _TestSupport

final class ParsingStreamTests: XCTestCase {
  /// Parsing pretraining starts from `ParsingStream.initialize`: every convolution of the
  /// backbone, ASPP and classifier gets drawn weights and every BN scale is 1, so the logits
  /// depend on the input. (A zero head learns only the class priors: the ci profile's first
  /// parsing runs did.)
  func testInitializeDrawsTheHeadToo() {
    let slabs = ModelSlabs()
    let stream = ParsingStream(
      BackboneSpec(family: .inceptionV3, width: 0.125), prefix: "", slabs, asppChannels: 8)
    var random = RandomStream(seed: 3, name: "init")
    stream.initialize(slabs, using: &random)
    let parameters = slabs.parameters
    XCTAssertEqual(stream.parameterRange, 0..<parameters.entries.count)
    for entry in parameters.entries {
      guard let id = parameters.id(of: entry.name) else { continue }
      let values = Array(parameters.values(id))
      if entry.shape.rank == 4 {
        XCTAssertTrue(values.contains { $0 != 0 }, "\(entry.name) is all zeros")
      } else if entry.name.hasSuffix("bn.weight") {
        XCTAssertEqual(Set(values), [1], "\(entry.name)")
      }
    }
    let (logits, _) = stream.network.forward(
      Fixtures.uniform([2, 80, 80, 3], seed: 4), mode: .inference, slabs)
    let pixels = logits.count / ParsingStream.lipClasses
    let background = (0..<pixels).map { logits.scalars[$0 * ParsingStream.lipClasses] }
    XCTAssertGreaterThan(Set(background).count, pixels / 2, "logits do not vary over pixels")
  }
}
