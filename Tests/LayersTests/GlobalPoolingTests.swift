import Layers
import TensorCore
import Testing

@Suite struct GlobalPoolingTests {
  static let shapes = [Shape(1, 1, 1, 5), Shape(2, 7, 5, 19), Shape(3, 2, 3, 33)]

  @Test func averageMatchesReference() {
    let pool = GlobalAvgPool2D()
    for (i, shape) in Self.shapes.enumerated() {
      let x = randomTensor(shape, seed: UInt64(i + 1))
      let ref = NCHW(x)
      let (n, c) = (shape[0], shape[3])
      let expected = Tensor(shape: Shape(n, c)) { index in
        let (b, k) = (index / c, index % c)
        var sum = 0.0
        for y in 0..<ref.h { for x in 0..<ref.w { sum += ref[b, k, y, x] } }
        return Float(sum / Double(ref.h * ref.w))
      }
      let y = pool.forward(x)
      expectClose(y, expected, rtol: 1e-5, atol: 1e-6)
      let dy = randomTensor(y.shape, seed: 9)
      var dx = Tensor(shape: shape)
      pool.backward(dy, into: &dx)
      let expectedDx = Tensor(shape: shape) { index in
        let (b, k) = (index / (shape.count / n), index % c)
        return dy[b, k] / Float(shape[1] * shape[2])
      }
      expectClose(dx, expectedDx)
      expectGradient(at: x, dy: dy, analytic: dx) { pool.forward($0) }
      expectAccumulates(shape) { pool.backward(dy, into: &$0) }
    }
  }

  @Test func maxMatchesReference() {
    let pool = GlobalMaxPool2D()
    for (i, shape) in Self.shapes.enumerated() {
      let x = spreadValues(shape, seed: UInt64(i + 3))
      let ref = NCHW(x)
      let (n, c) = (shape[0], shape[3])
      var expected = Tensor(shape: Shape(n, c))
      var expectedDx = Tensor(shape: shape)
      let dy = randomTensor(Shape(n, c), seed: 8)
      for b in 0..<n {
        for k in 0..<c {
          var best = (value: -Double.infinity, y: 0, x: 0)
          for y in 0..<ref.h {
            for x in 0..<ref.w where ref[b, k, y, x] > best.value {
              best = (ref[b, k, y, x], y, x)
            }
          }
          expected[b, k] = Float(best.value)
          expectedDx[b, best.y, best.x, k] = dy[b, k]
        }
      }
      let (y, cache) = pool.forward(x)
      expectClose(y, expected, rtol: 0, atol: 1e-7)
      var dx = Tensor(shape: shape)
      pool.backward(dy, cache: cache, into: &dx)
      expectClose(dx, expectedDx, rtol: 0, atol: 1e-7)
      expectGradient(at: x, dy: dy, analytic: dx) { pool.forward($0).output }
      expectAccumulates(shape) { pool.backward(dy, cache: cache, into: &$0) }
    }
  }

  @Test func maxTiesGoToTheFirstPixel() {
    let x = Tensor(shape: Shape(1, 2, 2, 1), scalars: [1, 3, 3, 2])
    #expect(GlobalMaxPool2D().forward(x).cache.argmax == [1])
  }
}
