import Figures
import Foundation
import ImageIO
import XCTest

/// What the figure tests share: a scratch folder per test, and reading a pixel as a color.
class FigureTestCase: XCTestCase {
  /// A folder of this test's own, removed after it.
  var directory = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "figures-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// The color at column `x`, row `y`.
  func color(_ image: RGBImage, _ x: Int, _ y: Int) -> RGBColor {
    let (r, g, b) = image[x, y]
    return RGBColor(red: r, green: g, blue: b)
  }
}
