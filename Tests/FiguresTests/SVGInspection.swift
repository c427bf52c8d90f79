import Foundation
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Reads a rendered SVG back: parsed as XML, with helpers for the elements tests check.
struct SVGInspection {
  let document: XMLDocument

  /// Parses `svg`; parsing fails for any markup that is not well-formed.
  init(_ svg: String) throws {
    document = try XMLDocument(xmlString: svg, options: [])
  }

  /// Elements matching an XPath query; SVG's default namespace is matched by local name.
  func elements(_ xpath: String) throws -> [XMLElement] {
    try document.nodes(forXPath: xpath).compactMap { $0 as? XMLElement }
  }

  /// The series groups, in document order.
  func seriesGroups() throws -> [XMLElement] {
    try elements("//*[local-name()='g'][@class='series']")
  }

  /// The series group named `name`.
  func series(named name: String) throws -> XMLElement? {
    try seriesGroups().first { $0.value(of: "data-name") == name }
  }

  /// The `(x, y)` pairs of a `"x,y x,y"` attribute, or nil if a number does not parse.
  static func pairs(_ text: String) -> [(Double, Double)]? {
    var result: [(Double, Double)] = []
    for token in text.split(separator: " ") {
      let parts = token.split(separator: ",")
      guard parts.count == 2, let x = Double(parts[0]), let y = Double(parts[1]) else {
        return nil
      }
      result.append((x, y))
    }
    return result
  }

  /// The root `<svg>` element's numeric attribute `name`.
  func rootNumber(_ name: String) -> Double? {
    document.rootElement()?.number(name)
  }
}

/// Runs xmllint (libxml2-utils, a required dependency: `make deps`) on SVG text.
enum XMLLint {
  static let candidates = ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/bin/xmllint"]

  /// The tool's path, or nil (with a test failure explaining how to install it).
  static func path(file: StaticString = #filePath, line: UInt = #line) -> String? {
    if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
      return found
    }
    XCTFail(
      "xmllint not found: run `make deps` (it installs libxml2-utils), or apt-get install"
        + " libxml2-utils", file: file, line: line)
    return nil
  }

  /// Checks that `svg` is well-formed XML by xmllint's verdict; fails the test otherwise.
  static func assertWellFormed(
    _ svg: String, in directory: String, file: StaticString = #filePath, line: UInt = #line
  ) throws {
    guard let tool = path(file: file, line: line) else { return }
    let document = directory + "/lint-\(UUID().uuidString).svg"
    try Data(svg.utf8).write(to: URL(fileURLWithPath: document))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = ["--noout", document]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    XCTAssertEqual(
      process.terminationStatus, 0,
      "xmllint rejects the SVG: \(String(decoding: output, as: UTF8.self))\n\(svg)",
      file: file, line: line)
  }
}

extension XMLElement {
  /// The value of attribute `name` (read through `attributes`: FoundationXML's
  /// `attribute(forName:)` misses attributes of elements in a default namespace).
  func value(of name: String) -> String? {
    attributes?.first { $0.name == name }?.stringValue
  }

  /// The numeric value of attribute `name`.
  func number(_ name: String) -> Double? { value(of: name).flatMap { Double($0) } }

  /// The child elements with local name `name` (SVG elements live in the SVG namespace).
  func children(named name: String) -> [XMLElement] {
    (children ?? []).compactMap { $0 as? XMLElement }.filter { $0.localName == name }
  }
}
