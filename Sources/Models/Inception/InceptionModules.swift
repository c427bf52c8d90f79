import Layers
import TensorCore

/// Inception-V3's modules A to E and the auxiliary head, as in torchvision's inception.py
/// (branch names, widths, kernels, paddings and concatenation order).
extension InceptionBuilder {
  /// `InceptionA(in, pool_features)`: 1x1 | 1x1-5x5 | 1x1-3x3-3x3 | avgpool-1x1.
  func inceptionA(_ m: String, _ cin: Int, poolFeatures: Int) -> AnyBlock {
    concat(
      conv("\(m).branch1x1", cin, 64, kernel: 1),
      chain(
        conv("\(m).branch5x5_1", cin, 48, kernel: 1),
        conv("\(m).branch5x5_2", 48, 64, kernel: 5, padding: 2)),
      chain(
        conv("\(m).branch3x3dbl_1", cin, 64, kernel: 1),
        conv("\(m).branch3x3dbl_2", 64, 96, kernel: 3, padding: 1),
        conv("\(m).branch3x3dbl_3", 96, 96, kernel: 3, padding: 1)),
      chain(averagePool3x3, conv("\(m).branch_pool", cin, poolFeatures, kernel: 1)))
  }

  /// `InceptionB(in)`, the first grid reduction: 3x3/2 | 1x1-3x3-3x3/2 | maxpool/2.
  func inceptionB(_ m: String, _ cin: Int) -> AnyBlock {
    concat(
      conv("\(m).branch3x3", cin, 384, kernel: 3, stride: 2),
      chain(
        conv("\(m).branch3x3dbl_1", cin, 64, kernel: 1),
        conv("\(m).branch3x3dbl_2", 64, 96, kernel: 3, padding: 1),
        conv("\(m).branch3x3dbl_3", 96, 96, kernel: 3, stride: 2)),
      AnyBlock(MaxPoolBlock(kernelSize: 3, stride: 2)))
  }

  /// `InceptionC(in, channels_7x7)`: factorized 7x7 branches.
  func inceptionC(_ m: String, _ cin: Int, c7: Int) -> AnyBlock {
    concat(
      conv("\(m).branch1x1", cin, 192, kernel: 1),
      chain(
        conv("\(m).branch7x7_1", cin, c7, kernel: 1),
        conv("\(m).branch7x7_2", c7, c7, kernel: (1, 7), padding: (0, 3)),
        conv("\(m).branch7x7_3", c7, 192, kernel: (7, 1), padding: (3, 0))),
      chain(
        conv("\(m).branch7x7dbl_1", cin, c7, kernel: 1),
        conv("\(m).branch7x7dbl_2", c7, c7, kernel: (7, 1), padding: (3, 0)),
        conv("\(m).branch7x7dbl_3", c7, c7, kernel: (1, 7), padding: (0, 3)),
        conv("\(m).branch7x7dbl_4", c7, c7, kernel: (7, 1), padding: (3, 0)),
        conv("\(m).branch7x7dbl_5", c7, 192, kernel: (1, 7), padding: (0, 3))),
      chain(averagePool3x3, conv("\(m).branch_pool", cin, 192, kernel: 1)))
  }

  /// `InceptionD(in)`, the last grid reduction: 1x1-3x3/2 | 1x1-1x7-7x1-3x3/2 | maxpool/2.
  /// With `stride` 1 (the dilated variant) the 3x3s and the pool get padding 1.
  func inceptionD(_ m: String, _ cin: Int, stride: Int) -> AnyBlock {
    let pad = stride == 1 ? 1 : 0
    return concat(
      chain(
        conv("\(m).branch3x3_1", cin, 192, kernel: 1),
        conv("\(m).branch3x3_2", 192, 320, kernel: 3, stride: stride, padding: pad)),
      chain(
        conv("\(m).branch7x7x3_1", cin, 192, kernel: 1),
        conv("\(m).branch7x7x3_2", 192, 192, kernel: (1, 7), padding: (0, 3)),
        conv("\(m).branch7x7x3_3", 192, 192, kernel: (7, 1), padding: (3, 0)),
        conv("\(m).branch7x7x3_4", 192, 192, kernel: 3, stride: stride, padding: pad)),
      AnyBlock(MaxPoolBlock(kernelSize: 3, stride: stride, padding: pad)))
  }

  /// `InceptionE(in)`: 1x1 | 1x1-(1x3, 3x1) | 1x1-3x3-(1x3, 3x1) | avgpool-1x1.
  func inceptionE(_ m: String, _ cin: Int) -> AnyBlock {
    concat(
      conv("\(m).branch1x1", cin, 320, kernel: 1),
      chain(
        conv("\(m).branch3x3_1", cin, 384, kernel: 1),
        concat(
          conv("\(m).branch3x3_2a", 384, 384, kernel: (1, 3), padding: (0, 1)),
          conv("\(m).branch3x3_2b", 384, 384, kernel: (3, 1), padding: (1, 0)))),
      chain(
        conv("\(m).branch3x3dbl_1", cin, 448, kernel: 1),
        conv("\(m).branch3x3dbl_2", 448, 384, kernel: 3, padding: 1),
        concat(
          conv("\(m).branch3x3dbl_3a", 384, 384, kernel: (1, 3), padding: (0, 1)),
          conv("\(m).branch3x3dbl_3b", 384, 384, kernel: (3, 1), padding: (1, 0)))),
      chain(averagePool3x3, conv("\(m).branch_pool", cin, 192, kernel: 1)))
  }

  /// `InceptionAux(768, classes)`'s convolutions: avgpool 5/3 -> conv0 1x1 -> conv1 5x5
  /// (then global average pool and `fc`, registered by the caller).
  func auxiliary(_ m: String, _ cin: Int) -> AnyBlock {
    chain(
      AnyBlock(AvgPoolBlock(kernelSize: 5, stride: 3)),
      conv("\(m).conv0", cin, 128, kernel: 1),
      conv("\(m).conv1", 128, 768, kernel: 5))
  }
}
