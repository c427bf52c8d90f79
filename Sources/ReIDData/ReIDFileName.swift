/// The identity and camera encoded in a re-ID image file name.
public struct ReIDFileName: Sendable, Equatable {
  /// Person id as written: -1 junk (Market), 0 distractor (Market), else an identity.
  public var pid: Int
  /// Camera id, 0-based (`c1` is 0).
  public var camera: Int

  /// A parsed name's fields.
  public init(pid: Int, camera: Int) {
    self.pid = pid
    self.camera = camera
  }

  /// Parses a Market-1501 or DukeMTMC-reID file name (without folder).
  /// - Returns: nil when `name` does not follow `kind`'s scheme or names a camera out of range.
  public init?(_ name: String, kind: ReIDDatasetKind) {
    guard name.hasSuffix(".jpg") else { return nil }
    let parts = name.dropLast(4).split(separator: "_", omittingEmptySubsequences: false)
    switch kind {
    case .market1501:
      // 0002_c1s1_000451_03
      guard parts.count == 4, let pid = Self.pid(parts[0], allowJunk: true),
        parts[1].count >= 4, parts[1].first == "c",
        Self.isDigits(parts[2], count: 6), Self.isDigits(parts[3], count: 2)
      else { return nil }
      let cameraAndSequence = parts[1].dropFirst().split(separator: "s")
      guard cameraAndSequence.count == 2, Self.isDigits(cameraAndSequence[0], count: 1),
        Self.isDigits(cameraAndSequence[1], count: nil), let c = Int(cameraAndSequence[0])
      else { return nil }
      self.pid = pid
      camera = c - 1
    case .dukemtmc:
      // 0001_c2_f0046182
      guard parts.count == 3, let pid = Self.pid(parts[0], allowJunk: false),
        parts[1].first == "c", Self.isDigits(parts[1].dropFirst(), count: 1),
        let c = Int(parts[1].dropFirst()), parts[2].first == "f",
        Self.isDigits(parts[2].dropFirst(), count: 7)
      else { return nil }
      self.pid = pid
      camera = c - 1
    }
    guard (0..<kind.cameraCount).contains(camera) else { return nil }
  }

  private static func pid(_ text: Substring, allowJunk: Bool) -> Int? {
    if allowJunk && text == "-1" { return -1 }
    guard isDigits(text, count: 4) else { return nil }
    return Int(text)
  }

  private static func isDigits(_ text: Substring, count: Int?) -> Bool {
    guard !text.isEmpty, count == nil || text.count == count else { return false }
    return text.allSatisfy { $0.isASCII && $0.isNumber }
  }
}
