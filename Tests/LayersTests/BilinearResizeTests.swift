import Kernels
import Layers
import TensorCore
import Testing

/// A naive NCHW bilinear resize in Double, separable, written from PyTorch's formulas.
enum BilinearReference {
  static func taps(_ dst: Int, input: Int, output: Int, align: Bool) -> (Int, Int, Double) {
    var src: Double
    if align {
      src = output > 1 ? Double(dst) * Double(input - 1) / Double(output - 1) : 0
    } else {
      src = max((Double(dst) + 0.5) * Double(input) / Double(output) - 0.5, 0)
    }
    let i0 = min(Int(src.rounded(.down)), input - 1)
    let i1 = min(i0 + 1, input - 1)
    return (i0, i1, min(max(src - Double(i0), 0), 1))
  }

  static func forward(_ x: NCHW, ho: Int, wo: Int, align: Bool) -> NCHW {
    var y = NCHW(n: x.n, c: x.c, h: ho, w: wo)
    for b in 0..<x.n {
      for k in 0..<x.c {
        for oy in 0..<ho {
          let (y0, y1, ly) = taps(oy, input: x.h, output: ho, align: align)
          for ox in 0..<wo {
            let (x0, x1, lx) = taps(ox, input: x.w, output: wo, align: align)
            let top = (1 - lx) * x[b, k, y0, x0] + lx * x[b, k, y0, x1]
            let bottom = (1 - lx) * x[b, k, y1, x0] + lx * x[b, k, y1, x1]
            y[b, k, oy, ox] = (1 - ly) * top + ly * bottom
          }
        }
      }
    }
    return y
  }

  static func backward(_ dy: NCHW, h: Int, w: Int, align: Bool) -> NCHW {
    var dx = NCHW(n: dy.n, c: dy.c, h: h, w: w)
    for b in 0..<dy.n {
      for k in 0..<dy.c {
        for oy in 0..<dy.h {
          let (y0, y1, ly) = taps(oy, input: h, output: dy.h, align: align)
          for ox in 0..<dy.w {
            let (x0, x1, lx) = taps(ox, input: w, output: dy.w, align: align)
            let g = dy[b, k, oy, ox]
            dx[b, k, y0, x0] += (1 - ly) * (1 - lx) * g
            dx[b, k, y0, x1] += (1 - ly) * lx * g
            dx[b, k, y1, x0] += ly * (1 - lx) * g
            dx[b, k, y1, x1] += ly * lx * g
          }
        }
      }
    }
    return dx
  }
}

@Suite struct BilinearResizeTests {
  /// Hand-derived F.interpolate results.
  @Test func handComputedPyTorchValues() {
    let square = Tensor(shape: Shape(1, 2, 2, 1), scalars: [1, 2, 3, 4])
    // align_corners=False, x2: source rows/cols -0.25 -> 0, 0.25, 0.75, 1.25 -> (1, 0.25).
    expectScalars(
      BilinearResize(scale: 2, alignCorners: false).forward(square),
      [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4])
    // align_corners=True, 2 -> 4: sources 0, 1/3, 2/3, 1.
    expectScalars(
      BilinearResize(height: 4, width: 4, alignCorners: true).forward(square),
      [
        1, 4.0 / 3, 5.0 / 3, 2, 5.0 / 3, 2, 7.0 / 3, 8.0 / 3,
        7.0 / 3, 8.0 / 3, 3, 10.0 / 3, 3, 10.0 / 3, 11.0 / 3, 4,
      ], tolerance: 1e-6)
    let row5 = Tensor(shape: Shape(1, 1, 5, 1), scalars: [0, 1, 2, 3, 4])
    // Downsampling 5 -> 2: scale 2.5, sources 0.75 and 3.25 (False); 0 and 4 (True).
    expectScalars(
      BilinearResize(height: 1, width: 2, alignCorners: false).forward(row5), [0.75, 3.25])
    expectScalars(BilinearResize(height: 1, width: 2, alignCorners: true).forward(row5), [0, 4])
    // One output: source 0.5 * 4 - 0.5 = 1.5 (False); 0 (True).
    let row4 = Tensor(shape: Shape(1, 1, 4, 1), scalars: [0, 1, 2, 3])
    expectScalars(BilinearResize(height: 1, width: 1, alignCorners: false).forward(row4), [1.5])
    expectScalars(BilinearResize(height: 1, width: 1, alignCorners: true).forward(row4), [0])
    // x2 of an odd width: the last source 2.25 clamps its upper tap to the border.
    let row3 = Tensor(shape: Shape(1, 1, 3, 1), scalars: [0, 1, 2])
    expectScalars(
      BilinearResize(height: 1, width: 6, alignCorners: false).forward(row3),
      [0, 0.25, 0.75, 1.25, 1.75, 2])
    // 3 -> 5: scale 0.6, sources 0 (clamped), 0.4, 1.0, 1.6, 2.2 (upper tap clamped).
    expectScalars(
      BilinearResize(height: 1, width: 5, alignCorners: false).forward(row3), [0, 0.4, 1, 1.6, 2],
      tolerance: 1e-6)
  }

  @Test func axisTapsMatchPyTorchIndexRule() {
    let taps = BilinearAxis(input: 3, output: 6, alignCorners: false)
    #expect(taps.index0 == [0, 0, 0, 1, 1, 2])
    #expect(taps.index1 == [1, 1, 1, 2, 2, 2])
    #expect(taps.lambda1 == [0, 0.25, 0.75, 0.25, 0.75, 0.25])
    let same = BilinearAxis(input: 4, output: 4, alignCorners: false)
    #expect(same.index0 == [0, 1, 2, 3] && same.index1 == [0, 1, 2, 3])
    #expect(same.lambda1 == [0, 0, 0, 0])
  }

  static let sizes: [(h: Int, w: Int, ho: Int, wo: Int)] = [
    (7, 5, 14, 10), (7, 5, 3, 2), (7, 5, 7, 5), (1, 1, 3, 4), (4, 6, 1, 1),
    (5, 3, 8, 2), (2, 9, 7, 4), (3, 3, 9, 9),
  ]

  @Test(arguments: [false, true], [1, 2])
  func matchesReference(alignCorners: Bool, batch: Int) {
    for (i, s) in Self.sizes.enumerated() {
      let x = randomTensor(Shape(batch, s.h, s.w, 19), seed: UInt64(i + 10))
      let resize = BilinearResize(height: s.ho, width: s.wo, alignCorners: alignCorners)
      let y = resize.forward(x)
      let ref = BilinearReference.forward(NCHW(x), ho: s.ho, wo: s.wo, align: alignCorners)
      expectClose(y, ref.nhwc, rtol: 1e-5, atol: 1e-6, "\(s) align \(alignCorners)")
      let dy = randomTensor(y.shape, seed: 77)
      var dx = Tensor(shape: x.shape)
      resize.backward(dy, into: &dx)
      let refDx = BilinearReference.backward(NCHW(dy), h: s.h, w: s.w, align: alignCorners)
      expectClose(dx, refDx.nhwc, rtol: 1e-5, atol: 1e-5, "backward \(s) align \(alignCorners)")
    }
  }

  @Test(arguments: [false, true])
  func gradientsMatchCentralDifferences(alignCorners: Bool) {
    for (i, s) in Self.sizes.enumerated() where i < 6 {
      let x = randomTensor(Shape(2, s.h, s.w, 3), seed: UInt64(i + 20))
      let resize = BilinearResize(height: s.ho, width: s.wo, alignCorners: alignCorners)
      let dy = randomTensor(Shape(2, s.ho, s.wo, 3), seed: 21)
      var dx = Tensor(shape: x.shape)
      resize.backward(dy, into: &dx)
      expectGradient(at: x, dy: dy, analytic: dx) { resize.forward($0) }
    }
    let up = BilinearResize(scale: 2, alignCorners: alignCorners)
    let x = randomTensor(Shape(1, 5, 3, 4), seed: 4)
    let dy = randomTensor(Shape(1, 10, 6, 4), seed: 5)
    var dx = Tensor(shape: x.shape)
    up.backward(dy, into: &dx)
    expectGradient(at: x, dy: dy, analytic: dx) { up.forward($0) }
  }

  @Test func backwardAccumulates() {
    let resize = BilinearResize(scale: 2, alignCorners: false)
    let dy = randomTensor(Shape(2, 6, 10, 7), seed: 8)
    expectAccumulates(Shape(2, 3, 5, 7)) { resize.backward(dy, into: &$0) }
  }
}
