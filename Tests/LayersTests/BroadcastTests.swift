import Layers
import TensorCore
import Testing

/// Every broadcast pattern of b against a = (2, 3, 5, C): each axis kept or reduced to 1.
func broadcastShapes(_ a: [Int]) -> [Shape] {
  (0..<16).map { mask in Shape((0..<4).map { mask & (1 << $0) != 0 ? 1 : a[$0] }) }
}

/// Naive references indexing b with index 0 on its broadcast axes.
enum BroadcastReference {
  static func bIndex(_ b: Shape, _ i: [Int]) -> [Int] { (0..<4).map { b[$0] == 1 ? 0 : i[$0] } }

  static func each(_ a: Shape, _ body: ([Int]) -> Void) {
    for n in 0..<a[0] {
      for h in 0..<a[1] {
        for w in 0..<a[2] { for c in 0..<a[3] { body([n, h, w, c]) } }
      }
    }
  }

  /// y, da and db of y = op(a, b) for upstream dy, in Double.
  static func run(_ a: Tensor, _ b: Tensor, _ dy: Tensor, multiply: Bool)
    -> (y: Tensor, da: Tensor, db: Tensor)
  {
    var y = Tensor(shape: a.shape)
    var da = Tensor(shape: a.shape)
    var db = [Double](repeating: 0, count: b.count)
    each(a.shape) { i in
      let j = bIndex(b.shape, i)
      let (av, bv, g) = (
        a[i[0], i[1], i[2], i[3]], b[j[0], j[1], j[2], j[3]], dy[i[0], i[1], i[2], i[3]]
      )
      y[i[0], i[1], i[2], i[3]] = multiply ? av * bv : av + bv
      da[i[0], i[1], i[2], i[3]] = multiply ? g * bv : g
      db[b.shape.offset(of: j)] += Double(g) * (multiply ? Double(av) : 1)
    }
    return (y, da, Tensor(shape: b.shape) { Float(db[$0]) })
  }
}

@Suite struct BroadcastTests {
  @Test(arguments: [17, 33, 1])
  func everyPatternMatchesReference(channels: Int) {
    let aShape = [2, 3, 5, channels]
    let a = randomTensor(Shape(aShape), seed: 1)
    let dy = randomTensor(Shape(aShape), seed: 2)
    for (i, bShape) in broadcastShapes(aShape).enumerated() {
      let b = randomTensor(bShape, seed: UInt64(i + 3))
      for multiply in [true, false] {
        let ref = BroadcastReference.run(a, b, dy, multiply: multiply)
        var da = Tensor(shape: a.shape)
        var db = Tensor(shape: b.shape)
        let y: Tensor
        if multiply {
          y = BroadcastMultiply().forward(a, b)
          BroadcastMultiply().backward(dy, a: a, b: b, intoA: &da, intoB: &db)
        } else {
          y = BroadcastAdd().forward(a, b)
          BroadcastAdd().backward(dy, intoA: &da, intoB: &db)
        }
        let what = "\(multiply ? "mul" : "add") b \(bShape)"
        expectClose(y, ref.y, rtol: 0, atol: 1e-7, what)
        expectClose(da, ref.da, rtol: 0, atol: 1e-7, what)
        expectClose(db, ref.db, rtol: 1e-5, atol: 1e-5, what)
      }
    }
  }

  @Test(arguments: [Shape(2, 3, 5, 1), Shape(2, 1, 1, 6), Shape(2, 3, 5, 6), Shape(1, 3, 1, 1)])
  func gradientsMatchCentralDifferences(bShape: Shape) {
    let a = randomTensor(Shape(2, 3, 5, 6), seed: 11)
    let b = randomTensor(bShape, seed: 12)
    let dy = randomTensor(a.shape, seed: 13)
    let mul = BroadcastMultiply()
    var da = Tensor(shape: a.shape)
    var db = Tensor(shape: b.shape)
    mul.backward(dy, a: a, b: b, intoA: &da, intoB: &db)
    expectGradient(at: a, dy: dy, analytic: da) { mul.forward($0, b) }
    expectGradient(at: b, dy: dy, analytic: db) { mul.forward(a, $0) }
    let add = BroadcastAdd()
    var addA = Tensor(shape: a.shape)
    var addB = Tensor(shape: b.shape)
    add.backward(dy, intoA: &addA, intoB: &addB)
    expectGradient(at: a, dy: dy, analytic: addA) { add.forward($0, b) }
    expectGradient(at: b, dy: dy, analytic: addB) { add.forward(a, $0) }
  }

  @Test func backwardAccumulatesAndRankTwoWorks() {
    let a = randomTensor(Shape(3, 7), seed: 1)
    let b = randomTensor(Shape(1, 7), seed: 2)
    let dy = randomTensor(a.shape, seed: 3)
    let y = BroadcastMultiply().forward(a, b)
    #expect(y.shape == a.shape)
    #expect(y[2, 4] == a[2, 4] * b[0, 4])
    var scratch = Tensor(shape: a.shape)
    expectAccumulates(b.shape) {
      BroadcastMultiply().backward(dy, a: a, b: b, intoA: &scratch, intoB: &$0)
    }
    expectAccumulates(a.shape) {
      var db = Tensor(shape: b.shape)
      BroadcastMultiply().backward(dy, a: a, b: b, intoA: &$0, intoB: &db)
    }
    expectAccumulates(b.shape) {
      var da = Tensor(shape: a.shape)
      BroadcastAdd().backward(dy, intoA: &da, intoB: &$0)
    }
  }
}
