/// The person re-ID datasets this module reads, with their on-disk layout and published sizes.
public enum ReIDDatasetKind: String, Sendable, Codable, CaseIterable {
  /// Market-1501 (`0002_c1s1_000451_03.jpg`; pid -1 junk, 0 distractor; 6 cameras).
  case market1501
  /// DukeMTMC-reID (`0001_c2_f0046182.jpg`; 8 cameras).
  case dukemtmc

  /// The dataset folder under the data root.
  public var folder: String {
    switch self {
    case .market1501: return "market1501/Market-1501-v15.09.15"
    case .dukemtmc: return "dukemtmc-reid/DukeMTMC-reID"
    }
  }

  /// The top-level folder under the data root (where a `synthetic.json` marker may sit).
  public var topFolder: String {
    switch self {
    case .market1501: return "market1501"
    case .dukemtmc: return "dukemtmc-reid"
    }
  }

  /// Number of cameras (ids `c1` ... `cN` in file names).
  public var cameraCount: Int {
    switch self {
    case .market1501: return 6
    case .dukemtmc: return 8
    }
  }

  /// The published image counts after junk removal: train, query, gallery.
  public var expectedCounts: SplitCounts {
    switch self {
    case .market1501: return SplitCounts(train: 12_936, query: 3_368, gallery: 15_913)
    case .dukemtmc: return SplitCounts(train: 16_522, query: 2_228, gallery: 17_661)
    }
  }

  /// A human-readable name for messages.
  public var displayName: String {
    switch self {
    case .market1501: return "Market-1501"
    case .dukemtmc: return "DukeMTMC-reID"
    }
  }

  /// The naming scheme, as written in error messages.
  public var namePattern: String {
    switch self {
    case .market1501: return "PPPP_cCsS_FFFFFF_BB.jpg (pid 4 digits or -1, camera 1-6)"
    case .dukemtmc: return "PPPP_cC_fFFFFFFF.jpg (pid 4 digits, camera 1-8)"
    }
  }
}

/// Image counts of the three re-ID splits.
public struct SplitCounts: Sendable, Equatable, Codable {
  /// Training images.
  public var train: Int
  /// Query images.
  public var query: Int
  /// Gallery images (after junk removal).
  public var gallery: Int

  /// Counts of the three splits.
  public init(train: Int, query: Int, gallery: Int) {
    self.train = train
    self.query = query
    self.gallery = gallery
  }
}
