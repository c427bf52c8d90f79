import ImageIO
import TensorCore

/// One image a synthetic re-ID dataset will contain: its file and how to render it.
struct PlannedImage {
  /// Folder under the dataset folder (`bounding_box_train`, `query`, `bounding_box_test`).
  var split: String
  var fileName: String
  /// Index of the identity in `SyntheticReIDPlan.identities`, or nil (distractor, junk).
  var identity: Int?
  /// 0-based camera.
  var camera: Int
  /// The name of the stream the scene draws from.
  var streamName: String
  /// Background only (junk) and heavily cropped strangers (distractors) differ from people.
  var kind: Kind

  enum Kind { case person, distractor, junk }
}

/// The complete list of a synthetic re-ID dataset's images, decided before any is drawn.
///
/// Identities come in look-alike families: with probability `lookAlikeRate` the next identity
/// copies the previous one with one or two attributes changed. Families never cross the
/// train/test boundary. Each test identity is seen by at least two cameras with at least two
/// images each: one per camera is the query, the rest go to the gallery, so every query has a
/// cross-camera match.
struct SyntheticReIDPlan {
  let kind: ReIDDatasetKind
  let seed: UInt64
  let preset: SyntheticPreset
  var cameras: [CameraStyle] = []
  var identities: [Appearance] = []
  var images: [PlannedImage] = []

  init(kind: ReIDDatasetKind, preset: SyntheticPreset, seed: UInt64) {
    self.kind = kind
    self.seed = seed
    self.preset = preset
    let sizes = kind == .market1501 ? preset.market : preset.duke
    let tag = kind.rawValue
    var cameraStream = RandomStream(seed: seed, name: "synth/\(tag)/cameras")
    cameras = (0..<kind.cameraCount).map { _ in CameraStyle.random(&cameraStream) }
    var naming = RandomStream(seed: seed, name: "synth/\(tag)/names")
    var frame = 100

    func family(_ count: Int, _ group: String) -> [Appearance] {
      var result = [Appearance]()
      for i in 0..<count {
        var r = RandomStream(seed: seed, name: "synth/\(tag)/\(group)/identity/\(i)")
        if let previous = result.last, r.nextUniform() < preset.lookAlikeRate {
          result.append(previous.lookAlike(&r))
        } else {
          result.append(Appearance.random(&r))
        }
      }
      return result
    }
    let train = family(sizes.trainIdentities, "train")
    let test = family(sizes.testIdentities + sizes.galleryOnlyIdentities, "test")
    identities = train + test

    func name(pid: Int, camera: Int) -> String {
      frame += 1 + naming.nextInt(below: 50)
      switch kind {
      case .market1501:
        let pidText = pid < 0 ? "-1" : pad(pid, 4)
        let sequence = 1 + naming.nextInt(below: 6)
        return
          "\(pidText)_c\(camera + 1)s\(sequence)_\(pad(frame, 6))_0\(1 + naming.nextInt(below: 3)).jpg"
      case .dukemtmc:
        return "\(pad(pid, 4))_c\(camera + 1)_f\(pad(frame, 7)).jpg"
      }
    }

    var planner = RandomStream(seed: seed, name: "synth/\(tag)/plan")
    for (index, _) in identities.enumerated() {
      let isTrain = index < train.count
      let testIndex = index - train.count
      let galleryOnly = !isTrain && testIndex >= sizes.testIdentities
      // Market interleaves train and test pids (train even, test odd); Duke the reverse.
      let pid =
        isTrain
        ? 2 * index + (kind == .market1501 ? 2 : 1)
        : 2 * testIndex + (kind == .market1501 ? 1 : 2)
      let cameraCount = min(
        kind.cameraCount,
        sizes.camerasPerIdentity.lowerBound
          + planner.nextInt(below: sizes.camerasPerIdentity.count))
      let chosen = Array(planner.permutation(kind.cameraCount)[0..<cameraCount]).sorted()
      for camera in chosen {
        let range = isTrain ? sizes.trainImagesPerCamera : sizes.testImagesPerCamera
        let count = range.lowerBound + planner.nextInt(below: range.count)
        for k in 0..<count {
          let split =
            isTrain
            ? "bounding_box_train" : (k == 0 && !galleryOnly ? "query" : "bounding_box_test")
          images.append(
            PlannedImage(
              split: split, fileName: name(pid: pid, camera: camera), identity: index,
              camera: camera, streamName: "synth/\(tag)/image/\(pid)/\(camera)/\(k)", kind: .person)
          )
        }
      }
    }
    for i in 0..<sizes.distractors {
      let camera = planner.nextInt(below: kind.cameraCount)
      images.append(
        PlannedImage(
          split: "bounding_box_test", fileName: name(pid: 0, camera: camera), identity: nil,
          camera: camera, streamName: "synth/\(tag)/distractor/\(i)", kind: .distractor))
    }
    for i in 0..<sizes.junk {
      let camera = planner.nextInt(below: kind.cameraCount)
      images.append(
        PlannedImage(
          split: "bounding_box_test", fileName: name(pid: -1, camera: camera), identity: nil,
          camera: camera, streamName: "synth/\(tag)/junk/\(i)", kind: .junk))
    }
  }

  /// The size of image `planned` (Market: fixed; Duke: varies around the preset's size).
  func size(_ planned: PlannedImage, random r: inout RandomStream) -> (width: Int, height: Int) {
    guard kind == .dukemtmc else { return (preset.width, preset.height) }
    let height = Int(Float(preset.height) * r.nextUniform(0.85, 1.2))
    return (max(8, Int(Float(height) * r.nextUniform(0.38, 0.55))), height)
  }

  /// Renders one planned image and its label map.
  func render(_ planned: PlannedImage) -> (RGBImageAndLabels) {
    var r = RandomStream(seed: seed, name: planned.streamName)
    let (width, height) = size(planned, random: &r)
    var person: Appearance?
    switch planned.kind {
    case .person: person = planned.identity.map { identities[$0] }
    case .distractor: person = Appearance.random(&r)
    case .junk: person = nil
    }
    let spec = SceneSpec(
      width: width, height: height, person: person, camera: cameras[planned.camera],
      occlusionRate: planned.kind == .distractor ? 1 : preset.occlusionRate,
      allowCrop: planned.kind == .distractor)
    return SceneRenderer.render(spec, random: &r)
  }
}

/// An image and its label map.
typealias RGBImageAndLabels = (image: RGBImage, labels: LabelMap)

/// `value` in decimal, zero-padded to `digits`.
func pad(_ value: Int, _ digits: Int) -> String {
  let text = String(value)
  return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
}
