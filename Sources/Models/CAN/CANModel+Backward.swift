import Layers
import TensorCore

extension CANModel {
  /// Accumulates every parameter gradient from the gradients of one or more readouts.
  ///
  /// gradients[r]: (N, multiple * C), dL/d readout r. The parsing stream receives gradient
  /// only when `config.parsingTrainable`; the image gets none.
  public func backward(
    _ gradients: [Readout: Tensor], input x: Tensor, cache: Cache, _ slabs: ModelSlabs
  ) {
    let (dF, dLogits) = Profiler.shared.measure(.attention) {
      headBackward(gradients, cache: cache, slabs)
    }
    if let parsingCache = cache.parsing, let dLogits {
      var none: Tensor? = nil
      parsing.network.backward(dLogits, input: x, cache: parsingCache, into: &none, slabs)
    }
    var none: Tensor? = nil
    appearance.features.backward(dF, input: x, cache: cache.appearance, into: &none, slabs)
  }

  /// The head's backward: dL/dF (N, h, w, C) and, when the parsing stream trains, dL/d(parsing
  /// logits) (N, h', w', 20); the attention blocks' parameter gradients accumulate.
  func headBackward(
    _ gradients: [Readout: Tensor], cache: Cache, _ slabs: ModelSlabs
  ) -> (features: Tensor, parsingLogits: Tensor?) {
    let f = cache.output.features
    let c = f.shape[3]
    var dF = Tensor(shape: f.shape)
    var dAttended = cache.attended.map { Tensor(shape: $0.shape) }
    var dParts = cache.parts.map { Tensor(shape: $0.shape) }
    var dMasks = cache.partMasks.map { Tensor(shape: $0.shape) }
    let gap = GlobalAvgPool2D()
    for (readout, g) in gradients {
      checkPrecondition(
        g.shape == Shape(f.shape[0], readout.multiple * c),
        "CANModel.backward: \(readout) gradient \(g.shape) for C = \(c)")
      let blocks = ChannelSplit(sizes: Array(repeating: c, count: readout.multiple))
        .forward(g.reshaped(Shape(f.shape[0], 1, 1, g.shape[1])))
        .map { $0.reshaped(Shape(f.shape[0], c)) }
      switch readout {
      case .s6, .baseline: gap.backward(blocks[0], into: &dF)
      case .s1, .s2, .s3, .s4, .s5:
        let k = [Readout.s1, .s2, .s3, .s4, .s5].firstIndex(of: readout) ?? 0
        partPoolBackward(
          blocks[0], part: k, cache: cache, into: &dAttended[k], mask: &dMasks[k])
      case .can6:
        gap.backward(blocks[0], into: &dF)
        for k in 0..<5 {
          partPoolBackward(
            blocks[k + 1], part: k, cache: cache, into: &dAttended[k], mask: &dMasks[k])
        }
      case .can:
        gap.backward(blocks[0], into: &dF)
        Self.fusedMaxBackward(
          blocks[1], from: cache.fusedFrom, caches: cache.fusedCaches, into: &dAttended[1...4])
        gap.backward(blocks[2], into: &dAttended[0])
      case .canpt:
        gap.backward(blocks[0], into: &dF)
        Self.fusedMaxBackward(
          blocks[1], from: cache.rawFusedFrom, caches: cache.rawFusedCaches,
          into: &dParts[1...4])
        gap.backward(blocks[2], into: &dParts[0])
      }
    }
    for k in 0..<5 {
      if config.pixelAttention {
        // Ŝ = S ⊙ A: dS += dŜ ⊙ A, and dA = dŜ ⊙ S through the attention block into dS.
        let dAttention = TensorOps.multiply(dAttended[k], cache.parts[k])
        TensorOps.accumulate(
          into: &dParts[k], from: TensorOps.multiply(dAttended[k], cache.attentionMaps[k]))
        attentionBlock(k).backward(
          dAttention, input: cache.parts[k], cache: cache.attention[k], into: &dParts[k], slabs)
      } else {
        TensorOps.accumulate(into: &dParts[k], from: dAttended[k])
      }
    }
    for k in 0..<5 {
      BroadcastMultiply().backward(
        dParts[k], a: f, b: cache.partMasks[k], intoA: &dF, intoB: &dMasks[k])
    }
    guard cache.parsing != nil else { return (dF, nil) }
    let dMaskMap = ChannelConcat().forward(dMasks)
    var dLogits = Tensor(shape: cache.output.parsingLogits.shape)
    PartMasks(height: f.shape[1], width: f.shape[2])
      .backward(dMaskMap, cache: cache.masks, into: &dLogits)
    return (dF, dLogits)
  }

  /// d(attended part k) += the gradient of its S_{k+1} readout pooling; with mask-average
  /// pooling d(mask k) += the gradient through its denominator as well.
  ///
  /// g: (N, C); dx: (N, h, w, C); dMask: (N, h, w, 1).
  func partPoolBackward(
    _ g: Tensor, part k: Int, cache: Cache, into dx: inout Tensor, mask dMask: inout Tensor
  ) {
    switch config.partPooling {
    case .average: GlobalAvgPool2D().backward(g, into: &dx)
    case .max: GlobalMaxPool2D().backward(g, cache: cache.partPoolCaches[k], into: &dx)
    case .maskAverage:
      // S = GAP(x) s with s = 1 / (mean(m) + eps): dx += GAP'(g s), and every pixel of the
      // mask gets d mean(m) = -(g . S) s / (h w).
      let scales = cache.partMaskScales[k]
      GlobalAvgPool2D().backward(Self.scaleRows(g, by: scales), into: &dx)
      let s = cache.output.readouts[[Readout.s1, .s2, .s3, .s4, .s5][k]] ?? g
      let (n, c) = (g.shape[0], g.shape[1])
      let pixels = dMask.count / n
      dMask.withUnsafeMutablePointer { dm in
        for i in 0..<n {
          var dot: Float = 0
          for j in 0..<c { dot += g[flat: i * c + j] * s[flat: i * c + j] }
          let d = -dot * scales[i] / Float(pixels)
          for p in 0..<pixels { dm[i * pixels + p] += d }
        }
      }
    }
  }

  /// Routes the fused maximum's gradient (N, C) to the part each maximum came from.
  static func fusedMaxBackward(
    _ g: Tensor, from: [Int], caches: [GlobalMaxPoolCache], into dMaps: inout ArraySlice<Tensor>
  ) {
    for (k, index) in dMaps.indices.enumerated() {
      let routed = Tensor(shape: g.shape) { from[$0] == k ? g[flat: $0] : 0 }
      GlobalMaxPool2D().backward(routed, cache: caches[k], into: &dMaps[index])
    }
  }
}
