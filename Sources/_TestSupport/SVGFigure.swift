import Foundation

/// Reading back the figures the harness writes: the exact values of an SVG plot's series,
/// and whether `xmllint` accepts a file.
public enum SVGFigure {
  /// `data-name` -> the (x, y) values of each series of an SVG line plot (its
  /// `<g class="series" data-name=… data-values="x,y x,y …">` groups).
  public static func series(_ svg: String) -> [String: [(Double, Double)]] {
    var result: [String: [(Double, Double)]] = [:]
    for chunk in svg.components(separatedBy: "<g class=\"series\" data-name=\"").dropFirst() {
      let name = String(chunk.prefix { $0 != "\"" })
      guard let values = chunk.components(separatedBy: "data-values=\"").dropFirst().first
      else { continue }
      result[name] = values.prefix { $0 != "\"" }.split(separator: " ").compactMap { pair in
        let xy = pair.split(separator: ",").compactMap { Double($0) }
        return xy.count == 2 ? (xy[0], xy[1]) : nil
      }
    }
    return result
  }

  /// What `xmllint --noout` says against `path`: nil when it accepts it.
  public static func xmllintComplaint(_ path: String) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["xmllint", "--noout", path]
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus != 0 else { return nil }
    return process.terminationStatus == 127
      ? "xmllint is not installed (make deps installs libxml2-utils)" : text
  }
}
