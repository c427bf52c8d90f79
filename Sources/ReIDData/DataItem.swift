/// One item a batch is built from: an image, optionally its label map, and its labels.
public struct DataItem: Sendable, Equatable {
  /// The image file (JPEG, or PNG by extension).
  public var imagePath: String
  /// The parsing label map (8-bit gray or palette PNG), if any.
  public var labelMapPath: String?
  /// The identity label (-1 when there is none, as for LIP).
  public var label: Int
  /// The camera (-1 when unknown).
  public var camera: Int

  /// An item.
  public init(imagePath: String, labelMapPath: String? = nil, label: Int = -1, camera: Int = -1) {
    self.imagePath = imagePath
    self.labelMapPath = labelMapPath
    self.label = label
    self.camera = camera
  }

  /// A re-ID image with its training label and camera.
  public init(_ image: ReIDImage) {
    self.init(imagePath: image.path, label: image.label, camera: image.camera)
  }

  /// A LIP sample with its label map.
  public init(_ sample: LIPSample) {
    self.init(imagePath: sample.imagePath, labelMapPath: sample.labelPath)
  }
}
