import Layers
import TensorCore

extension CANModel {
  /// What backward needs from a forward pass.
  public struct Cache: Sendable {
    var appearance: Sequential.Cache
    var parsing: Sequential.Cache?
    var masks: PartMasks.Cache
    var partMasks: [Tensor]
    var parts: [Tensor]
    var attention: [SoftAttention.Cache]
    var attentionMaps: [Tensor]
    var attended: [Tensor]
    /// S1..S5's global max pool caches (max part pooling only).
    var partPoolCaches: [GlobalMaxPoolCache]
    /// S1..S5's per-image 1 / (mean mask + 1e-6) (mask-average part pooling only).
    var partMaskScales: [[Float]]
    /// CAN's max fusion over attended parts 2..5: the part each maximum came from, and the
    /// parts' pooling caches; the same for CANpt over the unattended parts.
    var fusedFrom: [Int]
    var fusedCaches: [GlobalMaxPoolCache]
    var rawFusedFrom: [Int]
    var rawFusedCaches: [GlobalMaxPoolCache]
    var output: Output

    /// The pixel-level attention of each part, (N, h, w, C) each, in part order (empty
    /// without pixel attention): what figures of the attention show.
    public var pixelAttention: [Tensor] { attentionMaps }
  }

  /// x: (N, H, W, 3) -> every map and readout. In training mode BN layers use batch
  /// statistics, except the parsing stream's when it is frozen.
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (Output, Cache) {
    let (f, appearanceCache) = appearance.features.forward(x, mode: mode, slabs)
    let parsingMode = config.parsingTrainable ? mode : .inference
    let (logits, parsingCache) = parsing.network.forward(x, mode: parsingMode, slabs)
    return Profiler.shared.measure(.attention) {
      head(
        features: f, parsingLogits: logits, appearanceCache: appearanceCache,
        parsingCache: config.parsingTrainable ? parsingCache : nil, mode: mode, slabs)
    }
  }

  /// Everything after the two streams: part masks, part maps, pixel-level attention and the
  /// readouts, from F (N, h, w, C) and the parsing logits (N, h', w', 20).
  func head(
    features f: Tensor, parsingLogits logits: Tensor, appearanceCache: Sequential.Cache,
    parsingCache: Sequential.Cache?, mode: LayerMode, _ slabs: ModelSlabs
  ) -> (Output, Cache) {
    let (masks, masksCache) = PartMasks(height: f.shape[1], width: f.shape[2]).forward(logits)
    let partMasks = ChannelSplit(sizes: [1, 1, 1, 1, 1]).forward(masks)
    let parts = partMasks.map { BroadcastMultiply().forward(f, $0) }
    var attentionCaches: [SoftAttention.Cache] = []
    var attentionMaps: [Tensor] = []
    var attended = parts
    if config.pixelAttention {
      for k in 0..<5 {
        let (a, c) = attentionBlock(k).forward(parts[k], mode: mode, slabs)
        attentionCaches.append(c)
        attentionMaps.append(a)
        attended[k] = TensorOps.multiply(parts[k], a)
      }
    }
    let gap = GlobalAvgPool2D()
    let s6 = gap.forward(f)
    var pooled: [Tensor] = []
    var partMax: [GlobalMaxPoolCache] = []
    var partMaskScales: [[Float]] = []
    for k in 0..<5 {
      switch config.partPooling {
      case .average: pooled.append(gap.forward(attended[k]))
      case .max:
        let (y, c) = GlobalMaxPool2D().forward(attended[k])
        pooled.append(y)
        partMax.append(c)
      case .maskAverage:
        let scales = Self.maskScales(partMasks[k])
        pooled.append(Self.scaleRows(gap.forward(attended[k]), by: scales))
        partMaskScales.append(scales)
      }
    }
    let (fused, fusedFrom, fusedCaches) = Self.fusedMax(attended[1...4])
    let can = Self.concat([s6, fused, gap.forward(attended[0])])
    var readouts: [Readout: Tensor] = [
      .s1: pooled[0], .s2: pooled[1], .s3: pooled[2], .s4: pooled[3], .s5: pooled[4],
      .s6: s6, .baseline: s6, .can: can, .can6: Self.concat([s6] + pooled),
    ]
    var rawFusedFrom = fusedFrom
    var rawCaches = fusedCaches
    if config.pixelAttention {
      let (rawFused, from, caches) = Self.fusedMax(parts[1...4])
      readouts[.canpt] = Self.concat([s6, rawFused, gap.forward(parts[0])])
      (rawFusedFrom, rawCaches) = (from, caches)
    } else {
      readouts[.canpt] = can
    }
    let output = Output(
      features: f, parsingLogits: logits, masks: masks, readouts: readouts)
    let cache = Cache(
      appearance: appearanceCache, parsing: parsingCache,
      masks: masksCache, partMasks: partMasks, parts: parts, attention: attentionCaches,
      attentionMaps: attentionMaps, attended: attended, partPoolCaches: partMax,
      partMaskScales: partMaskScales,
      fusedFrom: fusedFrom, fusedCaches: fusedCaches, rawFusedFrom: rawFusedFrom,
      rawFusedCaches: rawCaches, output: output)
    return (output, cache)
  }

  /// The elementwise maximum over parts of their global max pools: (N, C), with the part
  /// (0-based within `maps`) each maximum came from and each part's pooling cache.
  static func fusedMax(_ maps: ArraySlice<Tensor>) -> (Tensor, [Int], [GlobalMaxPoolCache]) {
    let pooled = maps.map { GlobalMaxPool2D().forward($0) }
    var fused = pooled[0].output
    var from = [Int](repeating: 0, count: fused.count)
    fused.withUnsafeMutablePointer { pf in
      for (k, p) in pooled.enumerated().dropFirst() {
        p.output.withUnsafePointer { pp in
          for i in 0..<from.count where pp[i] > pf[i] {
            pf[i] = pp[i]
            from[i] = k
          }
        }
      }
    }
    return (fused, from, pooled.map(\.cache))
  }

  /// Per image, 1 / (mean of mask + 1e-6): mask (N, h, w, 1). GAP(x) times this is the
  /// mask-weighted mean sum(x) / (sum(mask) + 1e-6 h w).
  static func maskScales(_ mask: Tensor) -> [Float] {
    let n = mask.shape[0]
    let pixels = mask.count / max(1, n)
    return mask.withUnsafePointer { p in
      (0..<n).map { i in
        var sum: Float = 0
        for j in 0..<pixels { sum += p[i * pixels + j] }
        return 1 / (sum / Float(pixels) + 1e-6)
      }
    }
  }

  /// x (N, D) with row i multiplied by scales[i].
  static func scaleRows(_ x: Tensor, by scales: [Float]) -> Tensor {
    let d = x.shape[1]
    return Tensor(shape: x.shape) { x[flat: $0] * scales[$0 / d] }
  }

  /// (N, C_i) vectors side by side: (N, sum C_i).
  static func concat(_ vectors: [Tensor]) -> Tensor {
    let n = vectors[0].shape[0]
    let y = ChannelConcat().forward(vectors.map { $0.reshaped(Shape(n, 1, 1, $0.shape[1])) })
    return y.reshaped(Shape(n, y.shape[3]))
  }
}
