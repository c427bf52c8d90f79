import Foundation
import ImageIO
import TensorCore

/// One synthetic image: who, seen by which camera, and the per-image variation.
struct SceneSpec {
  var width: Int
  var height: Int
  /// The person, or nil for a background-only image (Market junk).
  var person: Appearance?
  var camera: CameraStyle
  /// Probability of an occluder in front of the person.
  var occlusionRate: Float
  /// How much of the person's height the image may cut off at the bottom (LIP crops).
  var allowCrop: Bool
}

/// Renders scenes into an RGB image and its LIP label map.
///
/// Steps: camera background with shifted clutter, the person (random pose, scale and
/// position), maybe an occluder (a bystander, a pole or a box; label 0), then the camera's
/// exposure, color cast, gamma, light gradient, blur and sensor noise. All draws come from
/// `random`, so a scene is a pure function of the spec and the stream.
enum SceneRenderer {
  static func render(_ spec: SceneSpec, random r: inout RandomStream) -> (RGBImage, LabelMap) {
    let w = Float(spec.width)
    let h = Float(spec.height)
    var canvas = Canvas(width: spec.width, height: spec.height)
    drawBackground(spec.camera, into: &canvas, shift: r.nextUniform(-0.2, 0.2), random: &r)

    if let person = spec.person {
      var height = h * r.nextUniform(0.84, 0.97) * person.stature
      var footY = h * r.nextUniform(0.95, 1.0)
      if spec.allowCrop && r.nextUniform() < 0.3 {
        height *= r.nextUniform(1.2, 1.7)
        footY += height * r.nextUniform(0.2, 0.4)
      }
      let pose = Pose(
        front: r.nextUniform() < 0.5, centerX: w * (0.5 + r.nextUniform(-0.06, 0.06)), footY: footY,
        height: height, stride: r.nextUniform(-1, 1), armSwing: r.nextUniform(-1, 1))
      PedestrianRenderer(appearance: person, pose: pose, labelOverride: nil).draw(into: &canvas)
      if r.nextUniform() < spec.occlusionRate {
        drawOccluder(into: &canvas, pose: pose, random: &r)
      }
    }
    return develop(canvas, camera: spec.camera, random: &r)
  }

  static func drawBackground(
    _ camera: CameraStyle, into canvas: inout Canvas, shift: Float, random r: inout RandomStream
  ) {
    let w = Float(canvas.width)
    let h = Float(canvas.height)
    let horizon = camera.horizon * h
    let period = max(2, camera.tilePeriod * h)
    for y in 0..<canvas.height {
      for x in 0..<canvas.width {
        let fy = Float(y) + 0.5
        var color: Color
        if fy < horizon {
          color = camera.wall * (0.9 + 0.1 * fy / horizon)
        } else {
          let line = (fy - horizon).truncatingRemainder(dividingBy: period) < 1
          color = camera.floor * (line ? 0.8 : 1.0 - 0.15 * (fy - horizon) / (h - horizon + 1))
        }
        canvas.set(x, y, color, label: 0)
      }
    }
    var items = camera.clutter
    for _ in 0..<r.nextInt(below: 3) { items.append(ClutterItem.random(&r)) }
    for item in items {
      let cx = (item.x + shift) * w
      let cy = item.y * h
      let primitive: Primitive =
        item.round
        ? .ellipse(cx: cx, cy: cy, rx: item.halfWidth * w, ry: item.halfHeight * h)
        : .trapezoid(
          topX: cx, topHalf: item.halfWidth * w, y0: cy - item.halfHeight * h, bottomX: cx,
          bottomHalf: item.halfWidth * w, y1: cy + item.halfHeight * h)
      canvas.fill(primitive, label: 0) { u, v in item.pattern.color(base: item.color, u: u, v: v) }
    }
  }

  static func drawOccluder(into canvas: inout Canvas, pose: Pose, random r: inout RandomStream) {
    let w = Float(canvas.width)
    let h = Float(canvas.height)
    switch r.nextInt(below: 3) {
    case 0:
      // A bystander at one edge, in front: drawn with label 0 (not the annotated person).
      let side: Float = r.nextUniform() < 0.5 ? -1 : 1
      let bystander = Pose(
        front: r.nextUniform() < 0.5, centerX: pose.centerX + side * w * r.nextUniform(0.45, 0.7),
        footY: h * r.nextUniform(0.95, 1.1), height: h * r.nextUniform(0.8, 1.0),
        stride: r.nextUniform(-1, 1), armSwing: r.nextUniform(-1, 1))
      PedestrianRenderer(appearance: Appearance.random(&r), pose: bystander, labelOverride: 0)
        .draw(into: &canvas)
    case 1:
      let x = pose.centerX + w * r.nextUniform(-0.3, 0.3)
      let half = w * r.nextUniform(0.05, 0.12)
      let color = Palette.draw(&r, jitter: 0.1)
      canvas.fill(
        .trapezoid(topX: x, topHalf: half, y0: -1, bottomX: x, bottomHalf: half, y1: h + 1),
        label: 0
      ) { u, _ in color * (1 - 0.3 * u * u) }
    default:
      let top = h * r.nextUniform(0.6, 0.85)
      let x = w * r.nextUniform(0.2, 0.8)
      let half = w * r.nextUniform(0.3, 0.6)
      let color = Palette.draw(&r, jitter: 0.1)
      let pattern = r.nextUniform() < 0.4 ? Appearance.pattern(&r) : Pattern.solid
      canvas.fill(
        .trapezoid(topX: x, topHalf: half, y0: top, bottomX: x, bottomHalf: half, y1: h + 1),
        label: 0
      ) { u, v in pattern.color(base: color, u: u, v: v) }
    }
  }

  /// The camera's response: exposure and cast, light gradient, gamma, blur, noise, 8 bits.
  static func develop(_ canvas: Canvas, camera: CameraStyle, random r: inout RandomStream)
    -> (RGBImage, LabelMap)
  {
    let width = canvas.width
    let height = canvas.height
    let jitter = r.nextUniform(0.9, 1.1)
    let gains = [camera.gain.r * jitter, camera.gain.g * jitter, camera.gain.b * jitter]
    var values = canvas.rgb
    if camera.blur {
      values = ImageResize.bilinear(
        values, width: width, height: height, channels: 3, toWidth: max(1, width * 2 / 3),
        toHeight: max(1, height * 2 / 3))
      values = ImageResize.bilinear(
        values, width: max(1, width * 2 / 3), height: max(1, height * 2 / 3), channels: 3,
        toWidth: width, toHeight: height)
    }
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
      for x in 0..<width {
        let light = 1 + camera.gradient * ((Float(x) + 0.5) / Float(width) - 0.5)
        for c in 0..<3 {
          let i = (y * width + x) * 3 + c
          let exposed = max(0, values[i] * gains[c] * light)
          let curved = Float(pow(Double(exposed), Double(camera.gamma)))
          let noisy = curved + camera.noise * r.nextNormal()
          pixels[i] = UInt8(max(0, min(255, (noisy * 255).rounded())))
        }
      }
    }
    return (
      RGBImage(width: width, height: height, pixels: pixels),
      LabelMap(width: width, height: height, labels: canvas.labels)
    )
  }
}
