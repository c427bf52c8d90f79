import Kernels
import Layers
import TensorCore
import Testing

typealias PoolConfig = PoolingReference.Config

/// Awkward windows: odd sizes, stride 2, padding, ceil mode that keeps or drops the last
/// window, non-square kernels, 1x1 inputs, and the torchvision configurations.
let poolCases: [(h: Int, w: Int, cfg: PoolConfig)] = [
  (7, 5, PoolConfig(kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, ceil: false)),
  (7, 5, PoolConfig(kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, ceil: true)),
  (6, 6, PoolConfig(kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, ceil: true)),
  (5, 5, PoolConfig(kh: 2, kw: 2, sh: 2, sw: 2, ph: 1, pw: 1, ceil: true)),
  (5, 6, PoolConfig(kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, ceil: true)),
  (1, 1, PoolConfig(kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, ceil: false)),
  (1, 1, PoolConfig(kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, ceil: true)),
  (8, 8, PoolConfig(kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, ceil: false)),
  (9, 9, PoolConfig(kh: 3, kw: 3, sh: 2, sw: 2, ph: 0, pw: 0, ceil: false)),
  (9, 7, PoolConfig(kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, ceil: false)),
  (7, 5, PoolConfig(kh: 3, kw: 2, sh: 2, sw: 1, ph: 1, pw: 0, ceil: true)),
  (4, 6, PoolConfig(kh: 2, kw: 3, sh: 3, sw: 2, ph: 1, pw: 1, ceil: true)),
  (10, 3, PoolConfig(kh: 4, kw: 3, sh: 3, sw: 3, ph: 2, pw: 1, ceil: true)),
]

func maxPool(_ cfg: PoolConfig) -> MaxPool2D {
  MaxPool2D(
    kernel: (cfg.kh, cfg.kw), stride: (cfg.sh, cfg.sw), padding: (cfg.ph, cfg.pw),
    ceilMode: cfg.ceil)
}

func avgPool(_ cfg: PoolConfig) -> AvgPool2D {
  AvgPool2D(
    kernel: (cfg.kh, cfg.kw), stride: (cfg.sh, cfg.sw), padding: (cfg.ph, cfg.pw),
    ceilMode: cfg.ceil, countIncludePad: cfg.countIncludePad)
}

@Suite struct PoolingTests {
  @Test func outputSizesFollowPyTorch() {
    // torchvision: Inception 147 -> 73 (3, s2), 35 -> 35 (3, s1, p1); DenseNet 112 -> 56
    // (3, s2, p1) and 56 -> 28 (2, s2).
    #expect(
      Pool2DGeometry.outputSize(input: 147, kernel: 3, stride: 2, padding: 0, ceilMode: false) == 73
    )
    #expect(
      Pool2DGeometry.outputSize(input: 35, kernel: 3, stride: 1, padding: 1, ceilMode: false) == 35)
    #expect(
      Pool2DGeometry.outputSize(input: 112, kernel: 3, stride: 2, padding: 1, ceilMode: false) == 56
    )
    #expect(
      Pool2DGeometry.outputSize(input: 56, kernel: 2, stride: 2, padding: 0, ceilMode: false) == 28)
    // ceil keeps a window that overhangs the right padding: 6 + 2 - 3 = 5, ceil(5/2) + 1 = 4.
    #expect(
      Pool2DGeometry.outputSize(input: 6, kernel: 3, stride: 2, padding: 1, ceilMode: true) == 4)
    #expect(
      Pool2DGeometry.outputSize(input: 6, kernel: 3, stride: 2, padding: 1, ceilMode: false) == 3)
    // ceil(5/2) + 1 = 4, but the 4th window would start at 5, in the right padding: dropped.
    #expect(
      Pool2DGeometry.outputSize(input: 5, kernel: 2, stride: 2, padding: 1, ceilMode: true) == 3)
    #expect(
      Pool2DGeometry.outputSize(input: 5, kernel: 2, stride: 2, padding: 0, ceilMode: true) == 3)
    #expect(
      Pool2DGeometry.outputSize(input: 5, kernel: 2, stride: 2, padding: 0, ceilMode: false) == 2)
    for (h, w, cfg) in poolCases {
      let g = maxPool(cfg).geometry(for: Shape(1, h, w, 1))
      #expect(
        g.outputHeight
          == PoolingReference.outputSize(h, k: cfg.kh, s: cfg.sh, p: cfg.ph, ceil: cfg.ceil))
      #expect(
        g.outputWidth
          == PoolingReference.outputSize(w, k: cfg.kw, s: cfg.sw, p: cfg.pw, ceil: cfg.ceil))
    }
  }

  /// x[i][j] = 6i + j on a 6x6 input; 3x3 windows, stride 2, padding 1, ceil mode: windows
  /// cover rows {0,1}, {1,2,3}, {3,4,5}, {5} (the last overhangs into the right padding row 6
  /// and the beyond-border row 7).
  static let ramp6 = Tensor(shape: Shape(1, 6, 6, 1)) { Float($0) }

  @Test func maxPoolCeilModeHandComputed() {
    let pool = MaxPool2D(kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
    let (y, cache) = pool.forward(Self.ramp6)
    #expect(y.shape == Shape(1, 4, 4, 1))
    expectScalars(y, [7, 9, 11, 11, 19, 21, 23, 23, 31, 33, 35, 35, 31, 33, 35, 35])
    var dx = Tensor(shape: Self.ramp6.shape)
    pool.backward(Tensor(shape: y.shape, repeating: 1), cache: cache, into: &dx)
    #expect(dx[0, 5, 5, 0] == 4)  // x[5][5] = 35 is the max of four windows
    #expect(dx[0, 1, 1, 0] == 1)
    #expect(dx[0, 0, 0, 0] == 0)
    let floor = MaxPool2D(kernelSize: 3, stride: 2, padding: 1).forward(Self.ramp6).output
    expectScalars(floor, [7, 9, 11, 19, 21, 23, 31, 33, 35])
  }

  @Test func avgPoolCeilModeHandComputed() {
    // count_include_pad: divisor rows/cols are 3, 3, 3, 2 (the last window counts padding
    // row 6 but not row 7).
    let include = AvgPool2D(kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
    expectScalars(
      include.forward(Self.ramp6),
      [
        14.0 / 9, 30.0 / 9, 42.0 / 9, 16.0 / 6, 75.0 / 9, 14, 16, 8.5,
        147.0 / 9, 26, 28, 14.5, 61.0 / 6, 16, 17, 8.75,
      ])
    // Without padding in the divisor: the mean of the valid elements.
    let exclude = AvgPool2D(
      kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)
    expectScalars(
      exclude.forward(Self.ramp6),
      [3.5, 5, 7, 8, 12.5, 14, 16, 17, 24.5, 26, 28, 29, 30.5, 32, 34, 35])
    // Inception's 3x3 stride 1 padding 1 on 1...9: corners divide by 9, not 4.
    let x = Tensor(shape: Shape(1, 3, 3, 1)) { Float($0 + 1) }
    let inception = AvgPool2D(kernelSize: 3, stride: 1, padding: 1)
    expectScalars(
      inception.forward(x),
      [12.0 / 9, 21.0 / 9, 16.0 / 9, 27.0 / 9, 5, 33.0 / 9, 24.0 / 9, 39.0 / 9, 28.0 / 9])
  }

  @Test(arguments: [1, 2], [3, 17])
  func maxPoolMatchesReference(batch: Int, channels: Int) {
    for (index, (h, w, cfg)) in poolCases.enumerated() {
      let x = randomTensor(Shape(batch, h, w, channels), seed: UInt64(index + 1))
      let pool = maxPool(cfg)
      let (y, cache) = pool.forward(x)
      let (ref, refArgmax) = PoolingReference.max(NCHW(x), cfg)
      expectClose(y, ref.nhwc, rtol: 0, atol: 1e-7, "max \(cfg) \(h)x\(w)")
      // The cached spatial index, as an NCHW flat index, must equal the reference argmax.
      let (ho, wo) = (ref.h, ref.w)
      var same = true
      for b in 0..<batch {
        for oy in 0..<ho {
          for ox in 0..<wo {
            for k in 0..<channels {
              let spatial = Int(cache.argmax[((b * ho + oy) * wo + ox) * channels + k])
              let flat = (b * channels + k) * h * w + spatial
              same = same && flat == refArgmax[((b * channels + k) * ho + oy) * wo + ox]
            }
          }
        }
      }
      #expect(same, "argmax \(cfg) \(h)x\(w)")
      let dy = randomTensor(y.shape, seed: 99)
      var dx = Tensor(shape: x.shape)
      pool.backward(dy, cache: cache, into: &dx)
      let refDx = PoolingReference.maxBackward(NCHW(dy), argmax: refArgmax, input: NCHW(x))
      expectClose(dx, refDx.nhwc, rtol: 1e-6, atol: 1e-6, "max backward \(cfg)")
    }
  }

  @Test(arguments: [1, 2], [true, false])
  func avgPoolMatchesReference(batch: Int, countIncludePad: Bool) {
    for (index, (h, w, base)) in poolCases.enumerated() {
      var cfg = base
      cfg.countIncludePad = countIncludePad
      let x = randomTensor(Shape(batch, h, w, 19), seed: UInt64(index + 1))
      let pool = avgPool(cfg)
      let y = pool.forward(x)
      expectClose(y, PoolingReference.average(NCHW(x), cfg).nhwc, "avg \(cfg) \(h)x\(w)")
      let dy = randomTensor(y.shape, seed: 98)
      var dx = Tensor(shape: x.shape)
      pool.backward(dy, into: &dx)
      let refDx = PoolingReference.averageBackward(NCHW(dy), input: NCHW(x), cfg)
      expectClose(dx, refDx.nhwc, "avg backward \(cfg)")
    }
  }

  @Test func maxPoolTiesGoToTheFirstIndexInScanOrder() {
    let x = Tensor(shape: Shape(1, 2, 2, 2), repeating: 1)
    let pool = MaxPool2D(kernelSize: 2)
    let (_, cache) = pool.forward(x)
    #expect(cache.argmax == [0, 0])
    // Padding is -inf: an all-negative window still picks a real element.
    let negative = Tensor(shape: Shape(1, 1, 1, 1), repeating: -5)
    let (y, _) = MaxPool2D(kernelSize: 3, stride: 1, padding: 1).forward(negative)
    #expect(y.scalars == [-5])
  }

  @Test func maxPoolPropagatesNaNInVectorAndTailChannels() {
    var x = randomTensor(Shape(1, 3, 3, 17), seed: 4)
    x[0, 1, 1, 2] = .nan
    x[0, 2, 0, 16] = .nan
    let (y, cache) = MaxPool2D(kernelSize: 3).forward(x)
    #expect(y[0, 0, 0, 2].isNaN && y[0, 0, 0, 16].isNaN && !y[0, 0, 0, 0].isNaN)
    #expect(cache.argmax[2] == 4 && cache.argmax[16] == 6)
  }

  @Test(arguments: [2, 3, 6, 11])
  func gradientsMatchCentralDifferences(caseIndex: Int) {
    let (h, w, cfg) = poolCases[caseIndex]
    let x = spreadValues(Shape(2, h, w, 3))
    let dy0 = maxPool(cfg).forward(x).output
    let dy = randomTensor(dy0.shape, seed: 5)
    let mp = maxPool(cfg)
    var dx = Tensor(shape: x.shape)
    mp.backward(dy, cache: mp.forward(x).cache, into: &dx)
    expectGradient(at: x, dy: dy, analytic: dx) { mp.forward($0).output }
    for include in [true, false] {
      var c = cfg
      c.countIncludePad = include
      let ap = avgPool(c)
      var adx = Tensor(shape: x.shape)
      ap.backward(dy, into: &adx)
      expectGradient(at: x, dy: dy, analytic: adx) { ap.forward($0) }
    }
  }

  @Test func backwardAccumulates() {
    let (h, w, cfg) = poolCases[1]
    let x = spreadValues(Shape(2, h, w, 5))
    let mp = maxPool(cfg)
    let (y, cache) = mp.forward(x)
    let dy = randomTensor(y.shape, seed: 3)
    expectAccumulates(x.shape) { mp.backward(dy, cache: cache, into: &$0) }
    let ap = avgPool(cfg)
    expectAccumulates(x.shape) { ap.backward(dy, into: &$0) }
  }
}
