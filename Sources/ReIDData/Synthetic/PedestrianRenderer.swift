/// Where and how a person stands in one image.
struct Pose {
  /// Facing the camera (the person's left is on the image's right) or showing the back.
  var front: Bool
  /// Horizontal center, pixels.
  var centerX: Float
  /// Bottom of the shoes, pixels.
  var footY: Float
  /// Full height, pixels.
  var height: Float
  /// Walking phase: how far the feet are apart, -1...1.
  var stride: Float
  /// Arm swing, -1...1.
  var armSwing: Float
}

/// Draws a person with LIP labels, back to front, so the label map is exactly the drawing.
///
/// Proportions are in head units `s` (height / 8). In a front view the person's left arm,
/// leg and shoe are on the image's right (LIP's convention), in a back view on its left.
struct PedestrianRenderer {
  var appearance: Appearance
  var pose: Pose
  /// Draw every pixel with this label instead (a bystander occluding the main person).
  var labelOverride: UInt8?

  func draw(into canvas: inout Canvas) {
    let a = appearance
    let s = pose.height / 8
    let cx = pose.centerX
    let top = pose.footY - pose.height
    let b = a.build
    let shoulderY = top + 1.35 * s
    let hipY = top + 4.0 * s
    let kneeY = top + 5.8 * s
    let ankleY = top + 7.55 * s
    let legRadius = 0.34 * s * b
    let armRadius = 0.22 * s * b
    let skin = shaded(a.skin)

    // Long hair behind the head and shoulders (front view).
    if pose.front && a.longHair {
      fill(
        &canvas,
        .trapezoid(
          topX: cx, topHalf: 0.42 * s, y0: top + 0.2 * s, bottomX: cx, bottomHalf: 0.6 * s,
          y1: top + 2.1 * s), .hair, shaded(a.hair))
    }

    // Legs: skin first, garments over them.
    var ankles = [Float]()
    for side in [Float(-1), 1] {
      let hipX = cx + side * 0.4 * s * b
      let ankleX = hipX + side * 0.12 * s + side * pose.stride * 0.45 * s
      let kneeX = (hipX + ankleX) / 2 + 0.05 * s * pose.stride
      ankles.append(ankleX)
      let leg = limbLabel(side, left: .leftLeg, right: .rightLeg)
      fill(
        &canvas, .capsule(ax: hipX, ay: hipY, bx: kneeX, by: kneeY, radius: legRadius), leg, skin)
      fill(
        &canvas, .capsule(ax: kneeX, ay: kneeY, bx: ankleX, by: ankleY, radius: legRadius * 0.85),
        leg, skin)
      let trousers: Garment? =
        a.upperKind == .jumpsuit ? a.upper : (a.upperKind == .dress ? nil : a.lower)
      let trouserLabel: LIPLabel = a.upperKind == .jumpsuit ? .jumpsuits : .pants
      if let trousers, a.upperKind == .jumpsuit || a.lowerKind != .skirt {
        let paint = garmentPaint(trousers)
        let r = legRadius * 1.08
        if a.upperKind == .jumpsuit || a.lowerKind == .pants {
          fill(
            &canvas, .capsule(ax: hipX, ay: hipY, bx: kneeX, by: kneeY, radius: r), trouserLabel,
            paint)
          fill(
            &canvas,
            .capsule(ax: kneeX, ay: kneeY, bx: ankleX, by: ankleY - 0.1 * s, radius: r * 0.88),
            trouserLabel, paint)
        } else {
          let midX = hipX + (kneeX - hipX) * 0.5
          let midY = hipY + (kneeY - hipY) * 0.5
          fill(&canvas, .capsule(ax: hipX, ay: hipY, bx: midX, by: midY, radius: r), .pants, paint)
        }
      }
      if let socks = a.socks {
        fill(
          &canvas,
          .capsule(
            ax: ankleX, ay: ankleY - 0.5 * s, bx: ankleX, by: ankleY, radius: legRadius * 0.9),
          .socks, shaded(socks))
      }
      let shoe = limbLabel(side, left: .leftShoe, right: .rightShoe)
      fill(
        &canvas,
        .ellipse(cx: ankleX + side * 0.05 * s, cy: ankleY + 0.2 * s, rx: 0.3 * s * b, ry: 0.25 * s),
        shoe, shaded(a.shoes))
    }
    _ = ankles

    // Skirt, dress skirt or coat tail over the thighs.
    switch (a.upperKind, a.lowerKind) {
    case (.dress, _):
      fill(
        &canvas,
        .trapezoid(
          topX: cx, topHalf: 0.72 * s * b, y0: hipY - 0.3 * s, bottomX: cx, bottomHalf: 1.0 * s * b,
          y1: kneeY + 0.1 * s), .dress, garmentPaint(a.upper))
    case (.coat, _):
      fill(
        &canvas,
        .trapezoid(
          topX: cx, topHalf: 0.74 * s * b, y0: hipY - 0.3 * s, bottomX: cx,
          bottomHalf: 0.85 * s * b,
          y1: hipY + 1.3 * s), .coat, garmentPaint(a.upper))
    case (.tshirt, .skirt), (.longSleeve, .skirt):
      fill(
        &canvas,
        .trapezoid(
          topX: cx, topHalf: 0.72 * s * b, y0: hipY - 0.25 * s, bottomX: cx,
          bottomHalf: 0.98 * s * b,
          y1: kneeY - 0.1 * s), .skirt, garmentPaint(a.lower))
    default: break
    }

    // Neck, then the torso garment.
    fill(
      &canvas, .capsule(ax: cx, ay: top + 0.9 * s, bx: cx, by: shoulderY, radius: 0.16 * s), .face,
      skin)
    let upperLabel = Self.upperLabel(a.upperKind)
    fill(
      &canvas,
      .trapezoid(
        topX: cx, topHalf: 0.92 * s * b, y0: shoulderY - 0.15 * s, bottomX: cx,
        bottomHalf: 0.78 * s * b, y1: hipY + 0.1 * s), upperLabel, garmentPaint(a.upper))

    // Arms: skin, sleeves, hands.
    for side in [Float(-1), 1] {
      let shoulderX = cx + side * 0.9 * s * b
      let swing = pose.armSwing * -side
      let elbowX = shoulderX + side * 0.15 * s + swing * 0.25 * s
      let elbowY = shoulderY + 1.35 * s
      let wristX = elbowX + side * 0.05 * s + swing * 0.45 * s
      let wristY = elbowY + 1.25 * s
      let arm = limbLabel(side, left: .leftArm, right: .rightArm)
      let upperArm = Primitive.capsule(
        ax: shoulderX, ay: shoulderY + 0.1 * s, bx: elbowX, by: elbowY, radius: armRadius)
      let forearm = Primitive.capsule(
        ax: elbowX, ay: elbowY, bx: wristX, by: wristY, radius: armRadius * 0.9)
      fill(&canvas, upperArm, arm, skin)
      fill(&canvas, forearm, arm, skin)
      switch a.upperKind {
      case .tshirt:
        let midX = shoulderX + (elbowX - shoulderX) * 0.55
        let midY = shoulderY + (elbowY - shoulderY) * 0.55
        fill(
          &canvas,
          .capsule(
            ax: shoulderX, ay: shoulderY + 0.05 * s, bx: midX, by: midY, radius: armRadius * 1.2),
          upperLabel, garmentPaint(a.upper))
      case .longSleeve, .coat, .jumpsuit:
        let paint = garmentPaint(a.upper)
        fill(
          &canvas,
          .capsule(
            ax: shoulderX, ay: shoulderY + 0.1 * s, bx: elbowX, by: elbowY, radius: armRadius * 1.15
          ),
          upperLabel, paint)
        fill(
          &canvas,
          .capsule(
            ax: elbowX, ay: elbowY, bx: wristX, by: wristY - 0.1 * s, radius: armRadius * 1.05),
          upperLabel, paint)
      case .dress: break
      }
      let hand = Primitive.ellipse(cx: wristX, cy: wristY + 0.15 * s, rx: 0.17 * s, ry: 0.22 * s)
      if let gloves = a.gloves {
        fill(&canvas, hand, .glove, shaded(gloves))
      } else {
        fill(&canvas, hand, arm, skin)
      }
      if side > 0, let bag = a.bag, bag.kind == .handbag {
        fill(
          &canvas,
          .trapezoid(
            topX: wristX + 0.2 * s, topHalf: 0.3 * s, y0: wristY, bottomX: wristX + 0.2 * s,
            bottomHalf: 0.4 * s, y1: wristY + 0.9 * s), .background, shaded(bag.color))
      }
    }

    if let scarf = a.scarf {
      fill(
        &canvas,
        .capsule(
          ax: cx - 0.3 * s, ay: shoulderY - 0.1 * s, bx: cx + 0.3 * s, by: shoulderY - 0.1 * s,
          radius: 0.2 * s),
        .scarf, garmentPaint(scarf))
    }

    // Head: hair, face (front), hat.
    let headY = top + 0.55 * s
    fill(
      &canvas, .ellipse(cx: cx, cy: headY - 0.05 * s, rx: 0.4 * s, ry: 0.5 * s), .hair,
      shaded(a.hair))
    if pose.front {
      fill(&canvas, .ellipse(cx: cx, cy: headY + 0.1 * s, rx: 0.34 * s, ry: 0.42 * s), .face, skin)
      if a.sunglasses {
        fill(
          &canvas,
          .capsule(
            ax: cx - 0.2 * s, ay: headY + 0.05 * s, bx: cx + 0.2 * s, by: headY + 0.05 * s,
            radius: 0.08 * s),
          .sunglasses, shaded(Color(0.05, 0.05, 0.06)))
      }
    } else if a.longHair {
      fill(
        &canvas,
        .trapezoid(
          topX: cx, topHalf: 0.4 * s, y0: headY, bottomX: cx, bottomHalf: 0.55 * s,
          y1: top + 2.2 * s), .hair, shaded(a.hair))
    }
    if let hat = a.hat {
      fill(
        &canvas,
        .trapezoid(
          topX: cx, topHalf: 0.3 * s, y0: top - 0.05 * s, bottomX: cx, bottomHalf: 0.44 * s,
          y1: top + 0.35 * s), .hat, garmentPaint(hat))
    }

    // Bags worn on the body (background in LIP).
    if let bag = a.bag {
      let paint = shaded(bag.color)
      switch bag.kind {
      case .backpack:
        if pose.front {
          for side in [Float(-1), 1] {
            fill(
              &canvas,
              .capsule(
                ax: cx + side * 0.45 * s, ay: shoulderY - 0.1 * s, bx: cx + side * 0.5 * s,
                by: shoulderY + 1.3 * s, radius: 0.08 * s), .background, paint)
          }
        } else {
          fill(
            &canvas,
            .trapezoid(
              topX: cx, topHalf: 0.55 * s, y0: shoulderY + 0.2 * s, bottomX: cx,
              bottomHalf: 0.6 * s,
              y1: hipY - 0.3 * s), .background, paint)
        }
      case .shoulderBag:
        fill(
          &canvas,
          .capsule(
            ax: cx - 0.5 * s, ay: shoulderY, bx: cx + 0.6 * s, by: hipY - 0.2 * s, radius: 0.07 * s),
          .background, paint)
        fill(
          &canvas,
          .trapezoid(
            topX: cx + 0.75 * s * b, topHalf: 0.3 * s, y0: hipY - 0.4 * s,
            bottomX: cx + 0.75 * s * b,
            bottomHalf: 0.32 * s, y1: hipY + 0.3 * s), .background, paint)
      case .handbag: break
      }
    }
  }

  /// The label of a limb on image side `side` (-1 left, +1 right) for this view.
  func limbLabel(_ side: Float, left: LIPLabel, right: LIPLabel) -> LIPLabel {
    (side > 0) == pose.front ? left : right
  }

  static func upperLabel(_ kind: UpperKind) -> LIPLabel {
    switch kind {
    case .tshirt, .longSleeve: return .upperClothes
    case .coat: return .coat
    case .dress: return .dress
    case .jumpsuit: return .jumpsuits
    }
  }

  private func fill(
    _ canvas: inout Canvas, _ primitive: Primitive, _ label: LIPLabel,
    _ paint: (Float, Float) -> Color
  ) {
    canvas.fill(primitive, label: labelOverride ?? label.rawValue, paint: paint)
  }

  /// A solid color with cylindrical shading across the part.
  private func shaded(_ color: Color) -> (Float, Float) -> Color {
    { u, _ in color * (1 - 0.25 * u * u) }
  }

  private func garmentPaint(_ garment: Garment) -> (Float, Float) -> Color {
    { u, v in garment.pattern.color(base: garment.color, u: u, v: v) * (1 - 0.25 * u * u) }
  }
}
