import TensorCore

/// A texture over a garment's local coordinates (u across -1...1, v along 0...1).
enum Pattern: Equatable {
  case solid
  case horizontalStripes(period: Float, second: Color)
  case verticalStripes(period: Float, second: Color)
  case checker(period: Float, second: Color)
  /// Top part (v < split) in the base color, the rest in `second`.
  case twoTone(split: Float, second: Color)
  /// A centered patch (a logo or print) in `second`.
  case logo(second: Color)

  func color(base: Color, u: Float, v: Float) -> Color {
    switch self {
    case .solid: return base
    case .horizontalStripes(let period, let second):
      return Int((v / period).rounded(.down)) % 2 == 0 ? base : second
    case .verticalStripes(let period, let second):
      return Int(((u + 1) / period).rounded(.down)) % 2 == 0 ? base : second
    case .checker(let period, let second):
      let a = Int(((u + 1) / period).rounded(.down)) + Int((v / period).rounded(.down))
      return a % 2 == 0 ? base : second
    case .twoTone(let split, let second): return v < split ? base : second
    case .logo(let second):
      return abs(u) < 0.4 && v > 0.2 && v < 0.45 ? second : base
    }
  }
}

/// A garment's color and texture.
struct Garment: Equatable {
  var color: Color
  var pattern: Pattern
}

/// What covers the upper body.
enum UpperKind: CaseIterable { case tshirt, longSleeve, coat, dress, jumpsuit }
/// What covers the legs (ignored under a dress or jumpsuit).
enum LowerKind: CaseIterable { case pants, shorts, skirt }
/// A carried bag (drawn as background, label 0, as LIP annotates bags).
enum BagKind: CaseIterable { case backpack, handbag, shoulderBag }

/// Everything that identifies a synthetic person across cameras.
struct Appearance: Equatable {
  var skin: Color
  var hair: Color
  var longHair: Bool
  var hat: Garment?
  var sunglasses: Bool
  var scarf: Garment?
  var upperKind: UpperKind
  var upper: Garment
  var lowerKind: LowerKind
  var lower: Garment
  var socks: Color?
  var shoes: Color
  var gloves: Color?
  var bag: (kind: BagKind, color: Color)?
  /// Body width factor (0.85...1.15) and height factor (0.92...1.06).
  var build: Float
  var stature: Float

  static func == (a: Appearance, b: Appearance) -> Bool {
    a.skin == b.skin && a.hair == b.hair && a.longHair == b.longHair && a.hat == b.hat
      && a.sunglasses == b.sunglasses && a.scarf == b.scarf && a.upperKind == b.upperKind
      && a.upper == b.upper && a.lowerKind == b.lowerKind && a.lower == b.lower
      && a.socks == b.socks && a.shoes == b.shoes && a.gloves == b.gloves
      && a.bag?.kind == b.bag?.kind && a.bag?.color == b.bag?.color && a.build == b.build
      && a.stature == b.stature
  }
}

/// The clothing palette: pedestrian clothes are mostly dark and neutral, so colors are
/// weighted that way, which is what makes identities hard to tell apart by color alone.
enum Palette {
  static let colors: [(color: Color, weight: Float)] = [
    (Color(0.08, 0.08, 0.09), 5), (Color(0.22, 0.22, 0.24), 4), (Color(0.5, 0.5, 0.5), 3),
    (Color(0.9, 0.9, 0.88), 4), (Color(0.1, 0.13, 0.3), 3), (Color(0.25, 0.35, 0.55), 3),
    (Color(0.15, 0.35, 0.75), 1.5), (Color(0.7, 0.12, 0.12), 1.5), (Color(0.4, 0.08, 0.12), 1),
    (Color(0.2, 0.5, 0.25), 1), (Color(0.4, 0.4, 0.2), 1), (Color(0.7, 0.62, 0.45), 2),
    (Color(0.4, 0.27, 0.15), 2), (Color(0.9, 0.8, 0.2), 0.7), (Color(0.9, 0.6, 0.7), 0.8),
    (Color(0.45, 0.25, 0.55), 0.7), (Color(0.9, 0.5, 0.15), 0.6), (Color(0.85, 0.78, 0.65), 1.5),
  ]
  static let skins: [Color] = [
    Color(0.95, 0.8, 0.68), Color(0.87, 0.68, 0.55), Color(0.72, 0.52, 0.38),
    Color(0.55, 0.38, 0.26), Color(0.38, 0.25, 0.17),
  ]
  static let hairs: [Color] = [
    Color(0.05, 0.04, 0.04), Color(0.15, 0.1, 0.06), Color(0.35, 0.22, 0.1),
    Color(0.7, 0.55, 0.3), Color(0.55, 0.55, 0.55),
  ]

  /// A palette color by weight, jittered a little per channel.
  static func draw(_ random: inout RandomStream, jitter: Float = 0.05) -> Color {
    let total = colors.reduce(0) { $0 + $1.weight }
    var pick = random.nextUniform() * total
    var chosen = colors[colors.count - 1].color
    for entry in colors {
      if pick < entry.weight {
        chosen = entry.color
        break
      }
      pick -= entry.weight
    }
    return jittered(chosen, &random, jitter)
  }

  static func jittered(_ c: Color, _ random: inout RandomStream, _ amount: Float) -> Color {
    func j(_ x: Float) -> Float { max(0.02, min(0.98, x * (1 + amount * random.nextNormal()))) }
    return Color(j(c.r), j(c.g), j(c.b))
  }
}

extension Appearance {
  /// A random person.
  static func random(_ r: inout RandomStream) -> Appearance {
    let upperKind = pick(UpperKind.allCases, weights: [4, 4, 2.5, 1, 0.5], &r)
    let lowerKind = pick(LowerKind.allCases, weights: [7, 1.5, 1.5], &r)
    let showsLegs = upperKind == .dress || (upperKind != .jumpsuit && lowerKind != .pants)
    return Appearance(
      skin: Palette.jittered(Palette.skins[r.nextInt(below: Palette.skins.count)], &r, 0.04),
      hair: Palette.jittered(Palette.hairs[r.nextInt(below: Palette.hairs.count)], &r, 0.08),
      longHair: r.nextUniform() < 0.35,
      hat: r.nextUniform() < 0.15 ? Garment(color: Palette.draw(&r), pattern: .solid) : nil,
      sunglasses: r.nextUniform() < 0.1,
      scarf: r.nextUniform() < 0.1 ? Garment(color: Palette.draw(&r), pattern: .solid) : nil,
      upperKind: upperKind, upper: garment(&r), lowerKind: lowerKind,
      lower: Garment(
        color: Palette.draw(&r), pattern: r.nextUniform() < 0.15 ? pattern(&r) : .solid),
      socks: showsLegs && r.nextUniform() < 0.5 ? Palette.draw(&r) : nil,
      shoes: Palette.draw(&r), gloves: r.nextUniform() < 0.05 ? Palette.draw(&r) : nil,
      bag: r.nextUniform() < 0.45
        ? (pick(BagKind.allCases, weights: [2, 1, 1], &r), Palette.draw(&r)) : nil,
      build: r.nextUniform(0.85, 1.15), stature: r.nextUniform(0.92, 1.06))
  }

  /// A different person who shares most of this one's look: one or two attributes change,
  /// often to a neighbouring shade. Families of look-alikes keep rank-1 below 100 %.
  func lookAlike(_ r: inout RandomStream) -> Appearance {
    var a = self
    let changes = 1 + r.nextInt(below: 2)
    for _ in 0..<changes {
      switch r.nextInt(below: 8) {
      case 0: a.shoes = Palette.draw(&r)
      case 1:
        a.bag =
          a.bag == nil
          ? (Appearance.pick(BagKind.allCases, weights: [2, 1, 1], &r), Palette.draw(&r)) : nil
      case 2:
        a.hair = Palette.jittered(Palette.hairs[r.nextInt(below: Palette.hairs.count)], &r, 0.08)
        a.longHair.toggle()
      case 3: a.upper.pattern = a.upper.pattern == .solid ? Appearance.pattern(&r) : .solid
      case 4: a.lower.color = Palette.jittered(a.lower.color, &r, 0.25)
      case 5: a.upper.color = Palette.jittered(a.upper.color, &r, 0.25)
      case 6: a.hat = a.hat == nil ? Garment(color: Palette.draw(&r), pattern: .solid) : nil
      default:
        a.skin = Palette.jittered(Palette.skins[r.nextInt(below: Palette.skins.count)], &r, 0.04)
        a.build = r.nextUniform(0.85, 1.15)
      }
    }
    return a
  }

  static func garment(_ r: inout RandomStream) -> Garment {
    Garment(color: Palette.draw(&r), pattern: r.nextUniform() < 0.4 ? pattern(&r) : .solid)
  }

  static func pattern(_ r: inout RandomStream) -> Pattern {
    let second = Palette.draw(&r)
    switch r.nextInt(below: 5) {
    case 0: return .horizontalStripes(period: r.nextUniform(0.08, 0.2), second: second)
    case 1: return .verticalStripes(period: r.nextUniform(0.3, 0.6), second: second)
    case 2: return .checker(period: r.nextUniform(0.2, 0.4), second: second)
    case 3: return .twoTone(split: r.nextUniform(0.35, 0.65), second: second)
    default: return .logo(second: second)
    }
  }

  static func pick<T>(_ options: [T], weights: [Float], _ r: inout RandomStream) -> T {
    var x = r.nextUniform() * weights.reduce(0, +)
    for (option, weight) in zip(options, weights) {
      if x < weight { return option }
      x -= weight
    }
    return options[options.count - 1]
  }
}
