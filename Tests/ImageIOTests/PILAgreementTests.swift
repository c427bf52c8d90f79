import Foundation
import ImageIO
import XCTest

/// TurboJPEG with the accurate DCT decodes bit-identically to PIL (what PyTorch pipelines
/// use): checked on a 32x64 4:2:0 JPEG written by `reid synth`, against the FNV-1a hash of
/// the pixels `PIL.Image.open(path).convert("RGB")` gave (Pillow 12, libjpeg-turbo).
final class PILAgreementTests: XCTestCase {
  static let jpegBase64 =
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAQDAwMDAgQDAwMEBAQFBgoGBgUFBgwICQcKDgwPDg4MDQ0PERYTDxAV"
    + "EQ0NExoTFRcYGRkZDxIbHRsYHRYYGRj/2wBDAQQEBAYFBgsGBgsYEA0QGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgY"
    + "GBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBj/wAARCABAACADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA"
    + "AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk"
    + "M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT"
    + "lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
    + "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh"
    + "cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    + "anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk"
    + "5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDxZFLsDjnGMjsabPpUGp3NrDeQLLCjgmMnr07flUhYrC2ASQpx"
    + "nnnBrN0C81DVb24toblI7lYTPHu4BCqWI69cDgV87aT+E6sNFOfNLZEXi3wzp9j4p0TUdNtY7ZFuY43jX+Pcf/rV"
    + "2qDCADn+defahq9/fSQLduGaGUSJnqGWu40S5N1pMFxMy73zz0qKjlyRUuhtjaa5ueK0ZkXUscOnSyyNlQpyQM9a"
    + "4vS7xE1K3vUk+RNrZDYyO4+ldhriZ8M3nzcNGRx7V57oxaTSIZMHgY4Bx0/+vXRTV4ORnhLNuJ1/ijT7ex1dJrG6"
    + "W5tbkLMsvAAZsFl6/wAJOPwrrfDLv/wjVrlzv5JHTHNVfBvg28+IHh+TT7OeOC709wYjL9wq+S2SASDkDH410UOn"
    + "yaZH/ZsxTfESrFMlT9P1rGvokysRNNKne7R53ceIrS7sJbaW2nCupDOrjNZkWpiz8LL4Zs4wbNJfPWSbBl3HHGRx"
    + "jgfrWbHIAWx1GfYitOzsbea2e4YuWUEDB4r1cRhoUoe73PPjioYdqdTY6TwR4/1HwPeyyafbQTCdhv8AMySAPTBr"
    + "Vn8ewXl61zJp8oZ3LHaRgGuOhsoLixkmZm3pkDBx/npVZDnhiwI+93P+NRQwsK141Og6mMpV6j9nutzGWPD79zbe"
    + "e+ePrXQaekaaJI3zHOTya5tGJAG8knGSB2q7b66EP9l+Vw4JMnccfy4ruxNKdSKUdTgxlOU4pRXU3tIDNpE+Mkkf"
    + "xHt7VlbFJbBO3v8ANUR8Qppdl5AjLvL1OePf8aUS703beD82BRRoyhOU5LR7Cw9KUatRtaM//9k="

  static let pilPixelsFNV1a: UInt64 = 0xb90b_4eb6_5bef_988b

  func testDecodeMatchesPIL() throws {
    let bytes = try XCTUnwrap(Data(base64Encoded: Self.jpegBase64))
    let image = try JPEG.decode([UInt8](bytes))
    XCTAssertEqual(image.width, 32)
    XCTAssertEqual(image.height, 64)
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in image.pixels {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    XCTAssertEqual(hash, Self.pilPixelsFNV1a)
  }
}
