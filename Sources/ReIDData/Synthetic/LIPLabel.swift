/// The 20 LIP parsing classes, with the palette the LIP tools display them in.
public enum LIPLabel: UInt8, Sendable, CaseIterable {
  case background = 0, hat, hair, glove, sunglasses, upperClothes, dress, coat, socks, pants
  case jumpsuits, scarf, skirt, face, leftArm, rightArm, leftLeg, rightLeg, leftShoe, rightShoe

  /// The display color of each label, indexed by raw value (LIP's visualization palette).
  public static let palette: [(UInt8, UInt8, UInt8)] = [
    (0, 0, 0), (128, 0, 0), (255, 0, 0), (0, 85, 0), (170, 0, 51), (255, 85, 0), (0, 0, 85),
    (0, 119, 221), (85, 85, 0), (0, 85, 85), (85, 51, 0), (52, 86, 128), (0, 128, 0),
    (0, 0, 255), (51, 170, 221), (0, 255, 255), (85, 255, 170), (170, 255, 85), (255, 255, 0),
    (255, 170, 0),
  ]
}
