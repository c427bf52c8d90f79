import Foundation
import ImageIO
import TensorCore

/// Writes the synthetic Market-1501, DukeMTMC-reID and LIP datasets in their real layouts.
///
/// ```
/// <out>/market1501/Market-1501-v15.09.15/{bounding_box_train,query,bounding_box_test}/*.jpg
/// <out>/dukemtmc-reid/DukeMTMC-reID/{bounding_box_train,query,bounding_box_test}/*.jpg
/// <out>/lip/TrainVal_images/{train_images,val_images}/<id>.jpg
/// <out>/lip/TrainVal_parsing_annotations/{train_segmentations,val_segmentations}/<id>.png
/// <out>/lip/{train_id.txt,val_id.txt}
/// ```
/// plus a `synthetic.json` marker in each top folder (preset and seed), which declares the
/// dataset non-standard for the loaders. The whole tree is written into a temporary folder
/// beside the output and renamed into place, so an interrupted run leaves nothing partial.
/// The same preset and seed give byte-identical files.
public struct SyntheticGenerator {
  /// Sizes.
  public let preset: SyntheticPreset
  /// The seed of every synthetic stream.
  public let seed: UInt64

  /// A generator for `preset` and `seed`.
  public init(preset: SyntheticPreset, seed: UInt64) {
    self.preset = preset
    self.seed = seed
  }

  /// The top folders written under the output.
  public static let topFolders = ["market1501", "dukemtmc-reid", "lip"]

  /// Generates everything under `output`.
  /// - Parameter force: replace existing synthetic folders (those holding the marker file
  ///   this generator writes) instead of failing; a folder without it is never replaced.
  /// - Returns: the number of images written per top folder.
  /// - Throws: `SyntheticError.outputExists`, `.notSynthetic`, `.cannotCreate`, or an
  ///   `ImageIOError` naming a file that failed.
  @discardableResult
  public func write(to output: String, force: Bool = false) throws -> [String: Int] {
    let manager = FileManager.default
    for folder in Self.topFolders {
      let path = output + "/" + folder
      guard manager.fileExists(atPath: path) else { continue }
      guard force else { throw SyntheticError.outputExists(path) }
      let marker = path + "/" + DirectoryListing.syntheticMarker
      guard manager.fileExists(atPath: marker) else { throw SyntheticError.notSynthetic(path) }
    }
    var isFolder: ObjCBool = false
    if manager.fileExists(atPath: output, isDirectory: &isFolder), !isFolder.boolValue {
      throw SyntheticError.cannotCreate(output, reason: "it exists and is not a folder")
    }
    do {
      try manager.createDirectory(atPath: output, withIntermediateDirectories: true)
    } catch {
      throw SyntheticError.cannotCreate(
        output, reason: "a parent is not a folder or is not writable")
    }
    Self.removeAbandonedStaging(in: output)
    let staging = output + "/\(Self.stagingPrefix)\(getpid())"
    try? manager.removeItem(atPath: staging)
    defer { try? manager.removeItem(atPath: staging) }
    var counts = [String: Int]()
    counts["market1501"] = try writeReID(.market1501, under: staging)
    counts["dukemtmc-reid"] = try writeReID(.dukemtmc, under: staging)
    counts["lip"] = try writeLIP(under: staging + "/lip")
    for folder in Self.topFolders {
      let destination = output + "/" + folder
      if manager.fileExists(atPath: destination) { try manager.removeItem(atPath: destination) }
      try manager.moveItem(atPath: staging + "/" + folder, toPath: destination)
    }
    return counts
  }

  /// The staging folder's name before the writing process's id.
  static let stagingPrefix = ".synth-staging-"

  /// Deletes staging folders of generators that were killed (their process no longer
  /// exists); a live one's is left alone.
  static func removeAbandonedStaging(in output: String) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []
    for name in names where name.hasPrefix(stagingPrefix) {
      guard let pid = Int32(name.dropFirst(stagingPrefix.count)),
        kill(pid, 0) != 0 && errno == ESRCH
      else { continue }
      try? FileManager.default.removeItem(atPath: output + "/" + name)
    }
  }

  func writeReID(_ kind: ReIDDatasetKind, under root: String) throws -> Int {
    let plan = SyntheticReIDPlan(kind: kind, preset: preset, seed: seed)
    let folder = root + "/" + kind.folder
    for split in ["bounding_box_train", "query", "bounding_box_test"] {
      try FileManager.default.createDirectory(
        atPath: folder + "/" + split, withIntermediateDirectories: true)
    }
    for planned in plan.images {
      let (image, _) = plan.render(planned)
      let quality = plan.cameras[planned.camera].jpegQuality
      try JPEG.write(image, to: folder + "/\(planned.split)/\(planned.fileName)", quality: quality)
    }
    try writeMarker(root + "/" + kind.topFolder, dataset: kind.rawValue)
    return plan.images.count
  }

  func writeLIP(under folder: String) throws -> Int {
    var written = 0
    for (split, count) in [("train", preset.lipTrain), ("val", preset.lipVal)] {
      let images = folder + "/TrainVal_images/\(split)_images"
      let labels = folder + "/TrainVal_parsing_annotations/\(split)_segmentations"
      for path in [images, labels] {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
      }
      var ids = [String]()
      for i in 0..<count {
        let sample = lipSample(split: split, index: i)
        ids.append(sample.id)
        try JPEG.write(sample.image, to: images + "/\(sample.id).jpg", quality: 90)
        try PNG.write(sample.labels, to: labels + "/\(sample.id).png")
      }
      try FileBytes.write(
        Array((ids.joined(separator: "\n") + "\n").utf8), to: folder + "/\(split)_id.txt")
      written += count
    }
    try writeMarker(folder, dataset: "lip")
    return written
  }

  /// One LIP-format sample: a stranger of random size in a random scene (LIP crops come from
  /// COCO: any scene, partial bodies), with its label map.
  func lipSample(split: String, index: Int) -> (id: String, image: RGBImage, labels: LabelMap) {
    var r = RandomStream(seed: seed, name: "synth/lip/\(split)/\(index)")
    let id = "\(index + 1)_\(100_000 + r.nextInt(below: 900_000))"
    let height = Int(Float(preset.height) * r.nextUniform(0.8, 1.3))
    let width = max(8, Int(Float(height) * r.nextUniform(0.4, 0.65)))
    let spec = SceneSpec(
      width: width, height: height, person: Appearance.random(&r), camera: CameraStyle.random(&r),
      occlusionRate: preset.occlusionRate, allowCrop: true)
    let (image, labels) = SceneRenderer.render(spec, random: &r)
    return (id, image, labels)
  }

  func writeMarker(_ folder: String, dataset: String) throws {
    let text = """
      {"generator": "reid synth", "dataset": "\(dataset)", "preset": "\(preset.name)", \
      "seed": \(seed), "format": 1}

      """
    try FileBytes.write(Array(text.utf8), to: folder + "/" + DirectoryListing.syntheticMarker)
  }

  /// One random person, unoccluded, facing the camera or not, on a plain background: the
  /// renderer without scene variation, for tests of the label conventions.
  public static func person(seed: UInt64, facingCamera: Bool, width: Int, height: Int) -> (
    image: RGBImage, labels: LabelMap
  ) {
    var r = RandomStream(seed: seed, name: "synth/person")
    var canvas = Canvas(width: width, height: height)
    let pose = Pose(
      front: facingCamera, centerX: Float(width) / 2, footY: Float(height) * 0.97,
      height: Float(height) * 0.9, stride: r.nextUniform(-1, 1), armSwing: r.nextUniform(-1, 1))
    PedestrianRenderer(appearance: Appearance.random(&r), pose: pose, labelOverride: nil)
      .draw(into: &canvas)
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for i in 0..<pixels.count {
      pixels[i] = UInt8(max(0, min(255, (canvas.rgb[i] * 255).rounded())))
    }
    return (
      RGBImage(width: width, height: height, pixels: pixels),
      LabelMap(width: width, height: height, labels: canvas.labels)
    )
  }
}
