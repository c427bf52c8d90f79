import Harness
import XCTest

final class ParsingMetricsTests: XCTestCase {
  /// Rows are labels, columns predictions; class 2 is in neither, so it has no IoU and is
  /// left out of the means, as the LIP benchmark's nanmean does.
  func testMetricsOfAConfusionMatrix() {
    let confusion = [
      2, 1, 0,
      0, 3, 0,
      0, 0, 0,
    ]
    let m = ParsingMetrics(confusion: confusion, classes: 3, images: 4)
    XCTAssertEqual(m.images, 4)
    XCTAssertEqual(m.pixelAccuracy, 0.833333)
    XCTAssertEqual(m.meanAccuracy, 0.833333)
    XCTAssertEqual(m.classIoU, [0.666667, 0.75, nil])
    XCTAssertEqual(m.meanIoU, 0.708333)
  }

  /// A prediction of a class absent from the labels counts against it (IoU 0).
  func testAPredictedButAbsentClassHasZeroIoU() {
    let m = ParsingMetrics(confusion: [1, 1, 0, 0], classes: 2, images: 1)
    XCTAssertEqual(m.classIoU, [0.5, 0])
    XCTAssertEqual(m.meanIoU, 0.25)
    XCTAssertEqual(m.meanAccuracy, 0.5)
  }
}
