import TensorCore

/// A background object: a rectangle, an ellipse or a pole, in fractions of the image size.
struct ClutterItem {
  var x: Float
  var y: Float
  var halfWidth: Float
  var halfHeight: Float
  var round: Bool
  var color: Color
  var pattern: Pattern
}

/// What makes one camera's images look like that camera: the scene behind the people and the
/// sensor's color cast, exposure, blur, noise and JPEG quality.
struct CameraStyle {
  var wall: Color
  var floor: Color
  /// Where the floor starts, as a fraction of the height.
  var horizon: Float
  var tilePeriod: Float
  var clutter: [ClutterItem]
  /// Per-channel gain (color cast) times exposure.
  var gain: Color
  var gamma: Float
  /// Horizontal light gradient (-0.3...0.3 across the width).
  var gradient: Float
  var blur: Bool
  var noise: Float
  var jpegQuality: Int

  /// A random camera. Clutter colors come from the clothing palette, so a color present in
  /// the background is not evidence of an identity.
  static func random(_ r: inout RandomStream) -> CameraStyle {
    let wall = Palette.jittered(
      [
        Color(0.6, 0.58, 0.55), Color(0.35, 0.36, 0.38), Color(0.55, 0.5, 0.4),
        Color(0.3, 0.35, 0.3),
        Color(0.7, 0.7, 0.72),
      ][r.nextInt(below: 5)], &r, 0.1)
    let floor = Palette.jittered(
      [
        Color(0.45, 0.44, 0.42), Color(0.3, 0.3, 0.32), Color(0.5, 0.45, 0.38),
        Color(0.25, 0.3, 0.25),
      ][
        r.nextInt(below: 4)], &r, 0.1)
    var clutter = [ClutterItem]()
    for _ in 0..<(2 + r.nextInt(below: 4)) { clutter.append(ClutterItem.random(&r)) }
    let exposure = r.nextUniform(0.75, 1.25)
    return CameraStyle(
      wall: wall, floor: floor, horizon: r.nextUniform(0.45, 0.75),
      tilePeriod: r.nextUniform(0.06, 0.2),
      clutter: clutter,
      gain: Color(
        exposure * r.nextUniform(0.9, 1.1), exposure * r.nextUniform(0.92, 1.08),
        exposure * r.nextUniform(0.9, 1.1)),
      gamma: r.nextUniform(0.9, 1.12), gradient: r.nextUniform(-0.3, 0.3),
      blur: r.nextUniform() < 0.5,
      noise: r.nextUniform(0.01, 0.035), jpegQuality: 75 + r.nextInt(below: 18))
  }
}

extension ClutterItem {
  static func random(_ r: inout RandomStream) -> ClutterItem {
    let pole = r.nextUniform() < 0.25
    return ClutterItem(
      x: r.nextUniform(0, 1), y: r.nextUniform(0.1, 0.8),
      halfWidth: pole ? r.nextUniform(0.03, 0.07) : r.nextUniform(0.08, 0.25),
      halfHeight: pole ? 1 : r.nextUniform(0.05, 0.2), round: !pole && r.nextUniform() < 0.3,
      color: Palette.draw(&r, jitter: 0.1),
      pattern: r.nextUniform() < 0.3 ? Appearance.pattern(&r) : .solid)
  }
}
