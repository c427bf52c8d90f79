/// A float RGB drawing surface with a parallel label map, for the synthetic renderer.
///
/// Every primitive writes the color and the label of the same pixels, so the label map is
/// exactly what was drawn last at each pixel (painter's algorithm, no antialiasing).
/// rgb: (height, width, 3) in 0...1; labels: (height, width).
struct Canvas {
  let width: Int
  let height: Int
  var rgb: [Float]
  var labels: [UInt8]

  init(width: Int, height: Int) {
    self.width = width
    self.height = height
    rgb = [Float](repeating: 0, count: width * height * 3)
    labels = [UInt8](repeating: 0, count: width * height)
  }

  /// Sets pixel (x, y) if inside.
  @inline(__always)
  mutating func set(_ x: Int, _ y: Int, _ color: Color, label: UInt8) {
    guard x >= 0 && x < width && y >= 0 && y < height else { return }
    let i = y * width + x
    rgb[3 * i] = color.r
    rgb[3 * i + 1] = color.g
    rgb[3 * i + 2] = color.b
    labels[i] = label
  }

  /// Fills pixels whose centers lie inside the shape, coloring each by `paint(u, v)` with
  /// the shape's local coordinates: u across in -1...1, v along in 0...1.
  mutating func fill(_ shape: Primitive, label: UInt8, paint: (Float, Float) -> Color) {
    let box = shape.bounds
    let x0 = max(0, Int(box.minX.rounded(.down)))
    let x1 = min(width - 1, Int(box.maxX.rounded(.up)))
    let y0 = max(0, Int(box.minY.rounded(.down)))
    let y1 = min(height - 1, Int(box.maxY.rounded(.up)))
    guard x0 <= x1 && y0 <= y1 else { return }
    for y in y0...y1 {
      for x in x0...x1 {
        if let (u, v) = shape.local(Float(x) + 0.5, Float(y) + 0.5) {
          set(x, y, paint(u, v), label: label)
        }
      }
    }
  }
}

/// A linear RGB color in 0...1.
struct Color: Equatable {
  var r: Float
  var g: Float
  var b: Float

  init(_ r: Float, _ g: Float, _ b: Float) {
    self.r = r
    self.g = g
    self.b = b
  }

  static func * (c: Color, s: Float) -> Color { Color(c.r * s, c.g * s, c.b * s) }

  /// Linear interpolation toward `other`.
  func mixed(_ other: Color, _ t: Float) -> Color {
    Color(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t)
  }
}

/// The primitives the renderer draws: a capsule (thick segment), an ellipse, a trapezoid.
enum Primitive {
  /// Segment from a to b with radius r (limbs).
  case capsule(ax: Float, ay: Float, bx: Float, by: Float, radius: Float)
  /// Axis-aligned ellipse.
  case ellipse(cx: Float, cy: Float, rx: Float, ry: Float)
  /// Horizontal top edge (center tx, half width tw) to bottom edge (bx, bw), top y0 to y1.
  case trapezoid(
    topX: Float, topHalf: Float, y0: Float, bottomX: Float, bottomHalf: Float, y1: Float)

  var bounds: (minX: Float, minY: Float, maxX: Float, maxY: Float) {
    switch self {
    case .capsule(let ax, let ay, let bx, let by, let r):
      return (min(ax, bx) - r, min(ay, by) - r, max(ax, bx) + r, max(ay, by) + r)
    case .ellipse(let cx, let cy, let rx, let ry):
      return (cx - rx, cy - ry, cx + rx, cy + ry)
    case .trapezoid(let tx, let tw, let y0, let bx, let bw, let y1):
      return (min(tx - tw, bx - bw), y0, max(tx + tw, bx + bw), y1)
    }
  }

  /// Local coordinates of (x, y) if it is inside: u across in -1...1, v along in 0...1.
  @inline(__always)
  func local(_ x: Float, _ y: Float) -> (Float, Float)? {
    switch self {
    case .capsule(let ax, let ay, let bx, let by, let r):
      let dx = bx - ax
      let dy = by - ay
      let lengthSquared = max(dx * dx + dy * dy, 1e-6)
      let t = max(0, min(1, ((x - ax) * dx + (y - ay) * dy) / lengthSquared))
      let px = ax + t * dx - x
      let py = ay + t * dy - y
      let d2 = px * px + py * py
      guard d2 <= r * r else { return nil }
      // Signed distance across the segment for shading.
      let cross = (dx * (y - ay) - dy * (x - ax)) / lengthSquared.squareRoot()
      return (max(-1, min(1, cross / r)), t)
    case .ellipse(let cx, let cy, let rx, let ry):
      let u = (x - cx) / rx
      let w = (y - cy) / ry
      guard u * u + w * w <= 1 else { return nil }
      return (u, (w + 1) / 2)
    case .trapezoid(let tx, let tw, let y0, let bx, let bw, let y1):
      guard y >= y0 && y <= y1 else { return nil }
      let v = (y - y0) / max(y1 - y0, 1e-6)
      let cx = tx + (bx - tx) * v
      let half = tw + (bw - tw) * v
      guard abs(x - cx) <= half else { return nil }
      return ((x - cx) / max(half, 1e-6), v)
    }
  }
}
