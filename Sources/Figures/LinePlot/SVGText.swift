/// Text and numbers as they go into SVG markup.
enum SVGText {
  /// `text` safe inside XML character data and double- or single-quoted attributes: the
  /// five special characters escaped, characters XML 1.0 forbids (most control characters)
  /// replaced by U+FFFD.
  static func escaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default:
        out.unicodeScalars.append(isAllowedInXML(scalar) ? scalar : "\u{FFFD}")
      }
    }
    return out
  }

  /// A pixel coordinate with at most two decimals ("12", "12.5", "-3.25"), kept within
  /// ±1e6 so a far outlier clipped away never writes a huge number.
  static func coordinate(_ value: Double) -> String {
    let limited = value.isNaN ? 0 : min(1e6, max(-1e6, value))
    let rounded = (limited * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    return rounded.description
  }

  /// A rough width in pixels of `text` in a sans-serif font of `fontSize` pixels: there are
  /// no font metrics here, so it errs wide (0.62 em per Latin character, 1 em otherwise).
  static func estimatedWidth(_ text: String, fontSize: Double) -> Double {
    text.reduce(0) { width, character in
      width + fontSize * (character.isASCII ? 0.62 : 1.0)
    }
  }

  /// XML 1.0's `Char` production.
  private static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
    default: return false
    }
  }
}
