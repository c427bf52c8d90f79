import Kernels

/// Named convolution shapes of DenseNet121 and Inception-V3 at a 256x128 input, batch 8.
///
/// Spatial sizes follow torchvision's topology at that input: DenseNet's dense blocks run at
/// 64x32, 32x16, 16x8 and 8x4; Inception's stem at 127x63 down to 60x28, Mixed_5* at 29x13,
/// Mixed_6* at 14x6 and Mixed_7* at 6x2.
enum ConvShapes {
  struct Named {
    let name: String
    let geometry: ConvGeometry
  }

  static func conv(
    _ name: String, _ h: Int, _ w: Int, _ cin: Int, _ cout: Int, k: (Int, Int),
    s: Int = 1, p: (Int, Int) = (0, 0), batch: Int = 8
  ) -> Named {
    Named(
      name: name,
      geometry: ConvGeometry(
        batch: batch, inputHeight: h, inputWidth: w, inputChannels: cin, outputChannels: cout,
        kernel: k, stride: (s, s), padding: p))
  }

  /// Every non-1x1 convolution shape of both backbones, with how many layers of each backbone
  /// have it, so that `DirectConvBenchmark` can rank them by cost. (The 1x1 ones are in
  /// `pointwise`.)
  static let direct: [(named: Named, layers: Int)] = [
    (conv("densenet.conv0 7x7/2", 256, 128, 3, 64, k: (7, 7), s: 2, p: (3, 3)), 1),
    (conv("densenet.block1 3x3", 64, 32, 128, 32, k: (3, 3), p: (1, 1)), 6),
    (conv("densenet.block2 3x3", 32, 16, 128, 32, k: (3, 3), p: (1, 1)), 12),
    (conv("densenet.block3 3x3", 16, 8, 128, 32, k: (3, 3), p: (1, 1)), 24),
    (conv("densenet.block4 3x3", 8, 4, 128, 32, k: (3, 3), p: (1, 1)), 16),
    (conv("inception.Conv2d_1a 3x3/2", 256, 128, 3, 32, k: (3, 3), s: 2), 1),
    (conv("inception.Conv2d_2a 3x3", 127, 63, 32, 32, k: (3, 3)), 1),
    (conv("inception.Conv2d_2b 3x3", 125, 61, 32, 64, k: (3, 3), p: (1, 1)), 1),
    (conv("inception.Conv2d_4a 3x3", 62, 30, 80, 192, k: (3, 3)), 1),
    (conv("inception.Mixed_5 5x5", 29, 13, 48, 64, k: (5, 5), p: (2, 2)), 3),
    (conv("inception.Mixed_5 3x3 64-96", 29, 13, 64, 96, k: (3, 3), p: (1, 1)), 4),
    (conv("inception.Mixed_5 3x3 96-96", 29, 13, 96, 96, k: (3, 3), p: (1, 1)), 3),
    (conv("inception.Mixed_6a 3x3/2 288-384", 29, 13, 288, 384, k: (3, 3), s: 2), 1),
    (conv("inception.Mixed_6a 3x3/2 96-96", 29, 13, 96, 96, k: (3, 3), s: 2), 1),
    (conv("inception.Mixed_6b 1x7 128-128", 14, 6, 128, 128, k: (1, 7), p: (0, 3)), 2),
    (conv("inception.Mixed_6b 7x1 128-128", 14, 6, 128, 128, k: (7, 1), p: (3, 0)), 2),
    (conv("inception.Mixed_6b 1x7 128-192", 14, 6, 128, 192, k: (1, 7), p: (0, 3)), 1),
    (conv("inception.Mixed_6b 7x1 128-192", 14, 6, 128, 192, k: (7, 1), p: (3, 0)), 1),
    (conv("inception.Mixed_6c 1x7 160-160", 14, 6, 160, 160, k: (1, 7), p: (0, 3)), 4),
    (conv("inception.Mixed_6c 7x1 160-160", 14, 6, 160, 160, k: (7, 1), p: (3, 0)), 4),
    (conv("inception.Mixed_6c 1x7 160-192", 14, 6, 160, 192, k: (1, 7), p: (0, 3)), 2),
    (conv("inception.Mixed_6c 7x1 160-192", 14, 6, 160, 192, k: (7, 1), p: (3, 0)), 2),
    (conv("inception.Mixed_6e 1x7 192-192", 14, 6, 192, 192, k: (1, 7), p: (0, 3)), 4),
    (conv("inception.Mixed_6e 7x1 192-192", 14, 6, 192, 192, k: (7, 1), p: (3, 0)), 4),
    (conv("inception.Mixed_7a 3x3/2 192-320", 14, 6, 192, 320, k: (3, 3), s: 2), 1),
    (conv("inception.Mixed_7a 3x3/2 192-192", 14, 6, 192, 192, k: (3, 3), s: 2), 1),
    (conv("inception.Mixed_7b 1x3 384", 6, 2, 384, 384, k: (1, 3), p: (0, 1)), 4),
    (conv("inception.Mixed_7b 3x1 384", 6, 2, 384, 384, k: (3, 1), p: (1, 0)), 4),
    (conv("inception.Mixed_7b 3x3 448-384", 6, 2, 448, 384, k: (3, 3), p: (1, 1)), 2),
  ]

  /// Both backbones' 1x1 convolutions, with how many layers have each shape. DenseNet121's:
  /// each dense layer's bottleneck (its block's input plus 32 channels per earlier layer, to
  /// 128) and the three transitions, at 256x128 a third of its step. Inception-V3's: the
  /// stem's Conv2d_3b and the first convolution of most Mixed branches (torchvision's
  /// topology; Mixed_5b's pool branch has 32 features, 5c's and 5d's 64; Mixed_6b-6e's 7x7
  /// branches start at 128, 160, 160 and 192 channels).
  static let pointwise: [(named: Named, layers: Int)] = {
    // Each dense block's map size, input channels and layers.
    let blocks: [(h: Int, w: Int, input: Int, layers: Int)] = [
      (64, 32, 64, 6), (32, 16, 128, 12), (16, 8, 256, 24), (8, 4, 512, 16),
    ]
    var shapes: [(named: Named, layers: Int)] = []
    for (index, block) in blocks.enumerated() {
      for layer in 0..<block.layers {
        let channels = block.input + 32 * layer
        shapes.append(
          (
            conv(
              "densenet.block\(index + 1) 1x1 \(channels)-128", block.h, block.w, channels,
              128, k: (1, 1)), 1
          ))
      }
      if index < blocks.count - 1 {
        let channels = block.input + 32 * block.layers
        shapes.append(
          (
            conv(
              "densenet.transition\(index + 1) 1x1 \(channels)-\(channels / 2)", block.h,
              block.w, channels, channels / 2, k: (1, 1)), 1
          ))
      }
    }
    // Inception-V3: (name, map, cin, cout, layers).
    let inception: [(String, (Int, Int), Int, Int, Int)] = [
      ("Conv2d_3b", (62, 30), 64, 80, 1),
      ("Mixed_5b", (29, 13), 192, 64, 2), ("Mixed_5b", (29, 13), 192, 48, 1),
      ("Mixed_5b", (29, 13), 192, 32, 1),
      ("Mixed_5c", (29, 13), 256, 64, 3), ("Mixed_5c", (29, 13), 256, 48, 1),
      ("Mixed_5d", (29, 13), 288, 64, 3), ("Mixed_5d", (29, 13), 288, 48, 1),
      ("Mixed_6a", (29, 13), 288, 64, 1),
      // Mixed_6b-6e's branch1x1 and pool branch, and Mixed_7a's two first convolutions.
      ("Mixed_6-7a", (14, 6), 768, 192, 12),
      ("Mixed_6b", (14, 6), 768, 128, 2), ("Mixed_6c-6d", (14, 6), 768, 160, 4),
      ("Mixed_7b", (6, 2), 1280, 320, 1), ("Mixed_7b", (6, 2), 1280, 384, 1),
      ("Mixed_7b", (6, 2), 1280, 448, 1), ("Mixed_7b", (6, 2), 1280, 192, 1),
      ("Mixed_7c", (6, 2), 2048, 320, 1), ("Mixed_7c", (6, 2), 2048, 384, 1),
      ("Mixed_7c", (6, 2), 2048, 448, 1), ("Mixed_7c", (6, 2), 2048, 192, 1),
    ]
    for (name, map, cin, cout, layers) in inception {
      shapes.append(
        (conv("inception.\(name) 1x1 \(cin)-\(cout)", map.0, map.1, cin, cout, k: (1, 1)), layers))
    }
    return shapes
  }()

  static let all: [Named] = [
    conv("densenet.conv0 7x7/2", 256, 128, 3, 64, k: (7, 7), s: 2, p: (3, 3)),
    conv("densenet.block1 1x1", 64, 32, 160, 128, k: (1, 1)),
    conv("densenet.block1 3x3", 64, 32, 128, 32, k: (3, 3), p: (1, 1)),
    conv("densenet.block2 1x1", 32, 16, 320, 128, k: (1, 1)),
    conv("densenet.block2 3x3", 32, 16, 128, 32, k: (3, 3), p: (1, 1)),
    conv("densenet.transition2 1x1", 32, 16, 512, 256, k: (1, 1)),
    conv("densenet.block3 1x1", 16, 8, 640, 128, k: (1, 1)),
    conv("densenet.block3 3x3", 16, 8, 128, 32, k: (3, 3), p: (1, 1)),
    conv("densenet.block4 3x3", 8, 4, 128, 32, k: (3, 3), p: (1, 1)),
    conv("inception.Conv2d_2b 3x3", 125, 61, 32, 64, k: (3, 3), p: (1, 1)),
    conv("inception.Conv2d_4a 3x3", 62, 30, 80, 192, k: (3, 3)),
    conv("inception.Mixed_5b 1x1", 29, 13, 192, 64, k: (1, 1)),
    conv("inception.Mixed_5b 5x5", 29, 13, 48, 64, k: (5, 5), p: (2, 2)),
    conv("inception.Mixed_6b 1x1", 14, 6, 768, 192, k: (1, 1)),
    conv("inception.Mixed_6b 1x7", 14, 6, 128, 128, k: (1, 7), p: (0, 3)),
    conv("inception.Mixed_6b 7x1", 14, 6, 128, 192, k: (7, 1), p: (3, 0)),
    conv("inception.Mixed_7c 1x1", 6, 2, 2048, 320, k: (1, 1)),
    conv("inception.Mixed_7b 3x3", 6, 2, 448, 384, k: (3, 3), p: (1, 1)),
  ]
}
