import Models
import XCTest

final class ParameterCountTests: XCTestCase {
  func count(_ name: String, classes: Int? = nil, auxiliary: Bool = false) throws -> Int {
    let slabs = ModelSlabs()
    _ = Backbone(
      try BackboneSpec(parsing: name), slabs, classes: classes, auxiliaryHead: auxiliary)
    return slabs.parameters.count
  }

  func testDenseNet121MatchesTorchvision() throws {
    XCTAssertEqual(try count("densenet121"), 6_953_856)
    XCTAssertEqual(try count("densenet121", classes: 1000), 7_978_856)
  }

  func testInceptionV3MatchesTorchvision() throws {
    XCTAssertEqual(try count("inception_v3", classes: 1000), 23_834_568)
    XCTAssertEqual(try count("inception_v3", classes: 1000, auxiliary: true), 27_161_264)
  }

  func testDilatedVariantsKeepTheParameters() throws {
    XCTAssertEqual(try count("densenet121-dilated"), 6_953_856)
    XCTAssertEqual(try count("inception_v3-dilated"), try count("inception_v3"))
  }

  func testNamesAreTorchvisions() throws {
    let slabs = ModelSlabs()
    _ = Backbone(BackboneSpec(family: .densenet121), slabs)
    XCTAssertNotNil(slabs.parameters.id(of: "features.denseblock1.denselayer1.conv1.weight"))
    XCTAssertNotNil(slabs.buffers.id(of: "features.norm5.running_var"))
    let inception = ModelSlabs()
    _ = Backbone(BackboneSpec(family: .inceptionV3), inception)
    XCTAssertNotNil(inception.parameters.id(of: "Mixed_5b.branch1x1.conv.weight"))
    XCTAssertNotNil(inception.buffers.id(of: "Mixed_7c.branch_pool.bn.num_batches_tracked"))
  }

  func testArchitectureNamesRoundTrip() throws {
    for name in ["densenet121", "inception_v3-dilated", "densenet121-dilated-w0.25-d0.5"] {
      XCTAssertEqual(try BackboneSpec(parsing: name).description, name)
    }
    XCTAssertThrowsError(try BackboneSpec(parsing: "resnet50"))
    XCTAssertThrowsError(try BackboneSpec(parsing: "inception_v3-d0.5"))
  }
}
