/// The sizes of a synthetic dataset set (`reid synth --preset`).
///
/// - `smoke`: a few identities of 64x32 pixels; the whole pipeline in seconds (tests, CI).
/// - `ci`: about 120 training identities per re-ID dataset at 128x64 (Market's size), enough
///   to train mini backbones in minutes; generated in a few seconds.
public struct SyntheticPreset: Sendable, Equatable, Codable {
  /// Sizes of one synthetic re-ID dataset.
  public struct ReIDSizes: Sendable, Equatable, Codable {
    /// Identities with training images.
    public var trainIdentities: Int
    /// Identities with query and gallery images.
    public var testIdentities: Int
    /// Identities only in the gallery (Duke's distractor identities).
    public var galleryOnlyIdentities: Int
    /// Cameras each identity appears in: lower and upper bound.
    public var camerasPerIdentity: ClosedRange<Int>
    /// Training images per identity and camera.
    public var trainImagesPerCamera: ClosedRange<Int>
    /// Test images per identity and camera (one becomes the query, at least one stays).
    public var testImagesPerCamera: ClosedRange<Int>
    /// Gallery images with pid 0 (Market distractors).
    public var distractors: Int
    /// Gallery images with pid -1 (Market junk, dropped by the loader).
    public var junk: Int
  }

  /// The preset's name.
  public var name: String
  /// Image height of the re-ID datasets (Duke and LIP vary around it).
  public var height: Int
  /// Image width of the re-ID datasets.
  public var width: Int
  /// Market-1501-format sizes.
  public var market: ReIDSizes
  /// DukeMTMC-reID-format sizes.
  public var duke: ReIDSizes
  /// LIP-format training images.
  public var lipTrain: Int
  /// LIP-format validation images.
  public var lipVal: Int
  /// Fraction of identities drawn as look-alikes of the previous one.
  public var lookAlikeRate: Float
  /// Probability of an occluder in front of a person.
  public var occlusionRate: Float

  /// Tiny: 6 + 6 identities per re-ID dataset at 64x32, 24 + 8 LIP images.
  public static let smoke = SyntheticPreset(
    name: "smoke", height: 64, width: 32,
    market: ReIDSizes(
      trainIdentities: 6, testIdentities: 6, galleryOnlyIdentities: 0, camerasPerIdentity: 2...3,
      trainImagesPerCamera: 1...2, testImagesPerCamera: 2...2, distractors: 3, junk: 2),
    duke: ReIDSizes(
      trainIdentities: 6, testIdentities: 6, galleryOnlyIdentities: 2, camerasPerIdentity: 2...3,
      trainImagesPerCamera: 1...2, testImagesPerCamera: 2...2, distractors: 0, junk: 0),
    lipTrain: 24, lipVal: 8, lookAlikeRate: 0.5, occlusionRate: 0.25)

  /// Mini-backbone scale: 120 (Market) and 110 (Duke) training identities at 128x64,
  /// 1,000 + 200 LIP images; about 5,000 images in all.
  public static let ci = SyntheticPreset(
    name: "ci", height: 128, width: 64,
    market: ReIDSizes(
      trainIdentities: 120, testIdentities: 120, galleryOnlyIdentities: 0,
      camerasPerIdentity: 2...5, trainImagesPerCamera: 2...4, testImagesPerCamera: 2...3,
      distractors: 60, junk: 40),
    duke: ReIDSizes(
      trainIdentities: 110, testIdentities: 110, galleryOnlyIdentities: 40,
      camerasPerIdentity: 2...5, trainImagesPerCamera: 2...4, testImagesPerCamera: 2...3,
      distractors: 0, junk: 0),
    lipTrain: 1_000, lipVal: 200, lookAlikeRate: 0.6, occlusionRate: 0.3)

  /// The presets by name.
  public static let all: [SyntheticPreset] = [smoke, ci]

  /// The preset called `name`.
  /// - Throws: `SyntheticError.unknownPreset` listing the known names.
  public static func named(_ name: String) throws -> SyntheticPreset {
    guard let preset = all.first(where: { $0.name == name }) else {
      throw SyntheticError.unknownPreset(name, known: all.map(\.name))
    }
    return preset
  }
}

/// Why synthetic data could not be generated.
public enum SyntheticError: Error, Equatable, CustomStringConvertible {
  /// No preset has this name.
  case unknownPreset(String, known: [String])
  /// The output already holds a dataset and replacing was not asked for.
  case outputExists(String)
  /// Replacing was asked for, but the folder holds data this generator did not write.
  case notSynthetic(String)
  /// The output folder cannot be created.
  case cannotCreate(String, reason: String)

  /// A one-line message.
  public var description: String {
    switch self {
    case .unknownPreset(let name, let known):
      return "unknown synthetic preset '\(name)'; known: \(known.joined(separator: ", "))"
    case .outputExists(let path):
      return "\(path) already exists; pass --force to replace it"
    case .notSynthetic(let path):
      return
        "\(path) holds data reid synth did not write (no \(DirectoryListing.syntheticMarker)); "
        + "--force replaces only synthetic folders: move it away or choose another --out"
    case .cannotCreate(let path, let reason):
      return "\(path): cannot create the output folder: \(reason)"
    }
  }
}
