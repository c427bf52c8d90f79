import Checkpoint
import Foundation
import Models
import TensorCore
import XCTest
import _TestSupport

final class WeightsFileTests: XCTestCase {
  var directory = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "weights-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  let spec = BackboneSpec(family: .densenet121, width: 0.125, depth: 1.0 / 6)

  func model(seed: UInt64) -> ModelSlabs {
    let slabs = ModelSlabs()
    var stream = RandomStream(seed: seed, name: "init")
    Backbone(spec, slabs).initialize(slabs, using: &stream)
    slabs.buffers.allValues[3] = 0.25
    return slabs
  }

  func testRoundTripRestoresEveryTensor() throws {
    let path = directory + "/w.h5"
    let a = model(seed: 1)
    try WeightsFile.save(a, architecture: spec.description, to: path)
    let b = model(seed: 2)
    let report = try WeightsFile.load(b, from: path)
    XCTAssertEqual(report.loaded, a.parameters.entries.count + a.buffers.entries.count)
    XCTAssertEqual(Array(a.parameters.allValues), Array(b.parameters.allValues))
    XCTAssertEqual(Array(a.buffers.allValues), Array(b.buffers.allValues))
    XCTAssertEqual(try WeightsFile.architecture(of: path), spec.description)
  }

  func testMismatchesAreListedAndNothingChanges() throws {
    let path = directory + "/w.h5"
    try WeightsFile.save(model(seed: 1), architecture: "x", to: path)
    let other = ModelSlabs()
    _ = Backbone(BackboneSpec(family: .densenet121, width: 0.25, depth: 1.0 / 6), other)
    _ = other.parameters.register("extra.weight", shape: [2])
    let before = Array(other.parameters.allValues)
    XCTAssertThrowsError(try WeightsFile.load(other, from: path)) { error in
      guard let e = error as? WeightsError else { return XCTFail("\(error)") }
      XCTAssertEqual(e.missing, ["extra.weight"])
      XCTAssert(e.wrongShape.contains { $0.name == "features.conv0.weight" })
      XCTAssert(e.description.contains("features.conv0.weight is (16, 3, 7, 7) in the model"))
    }
    XCTAssertEqual(Array(other.parameters.allValues), before)
  }

  func testPartialLoadUnderAPrefix() throws {
    let path = directory + "/w.h5"
    let source = model(seed: 1)
    try WeightsFile.save(source, architecture: spec.description, to: path)
    let config = CANConfig(backbone: spec, asppChannels: 4, attentionReduction: 4)
    let slabs = ModelSlabs()
    _ = CANModel(config, slabs)
    XCTAssertThrowsError(try WeightsFile.load(slabs, from: path))
    let report = try WeightsFile.load(slabs, from: path, prefix: "appearance.")
    XCTAssert(report.missing.isEmpty && report.unexpected.isEmpty)
    guard let id = slabs.parameters.id(of: "appearance.features.conv0.weight"),
      let sourceID = source.parameters.id(of: "features.conv0.weight")
    else { return XCTFail("missing conv0") }
    XCTAssertEqual(slabs.parameters.value(id), source.parameters.value(sourceID))
    let partial = try WeightsFile.load(
      slabs, from: path, prefix: "parsing.backbone.", partial: true)
    XCTAssertGreaterThan(partial.loaded, 0)
  }

  func testCANWeightsRoundTripThroughTheArchitectureName() throws {
    let architecture = try ModelArchitecture(parsing: "can:\(spec)")
    XCTAssertEqual(architecture.description, "can:\(spec)")
    let a = architecture.instantiate(seed: 1)
    let path = directory + "/can.h5"
    try WeightsFile.save(a.slabs, architecture: architecture.description, to: path)
    let b = architecture.instantiate(seed: 2)
    try WeightsFile.load(b.slabs, from: path)
    let x = Fixtures.uniform([1, 64, 32, 3], seed: 3)
    let (ya, ra) = a.inference(x)
    let (yb, rb) = b.inference(x)
    XCTAssertEqual(ya, yb)
    XCTAssertEqual(ra[.can], rb[.can])
    XCTAssertEqual(ra.count, Readout.allCases.count)
  }
}
