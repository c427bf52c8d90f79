/// One image of a re-ID split: where it is and whom it shows.
public struct ReIDImage: Sendable, Equatable, Codable {
  /// Path of the image file (the data root joined with the relative path).
  public var path: String
  /// Identity as in the file name (0 = distractor, Market gallery only).
  public var pid: Int
  /// Camera, 0-based.
  public var camera: Int
  /// Training label: the pid's index among the sorted training pids (contiguous from 0,
  /// offset in mixed training sets); for query and gallery images, the pid itself.
  public var label: Int

  /// An image record.
  public init(path: String, pid: Int, camera: Int, label: Int) {
    self.path = path
    self.pid = pid
    self.camera = camera
    self.label = label
  }
}
