import Layers
import TensorCore
import Testing

@Suite struct ChannelConcatTests {
  static let channels = [3, 1, 17, 32]

  static func inputs(n: Int, h: Int, w: Int) -> [Tensor] {
    channels.enumerated().map { randomTensor(Shape(n, h, w, $1), seed: UInt64($0 + 1)) }
  }

  @Test(arguments: [(1, 1, 1), (2, 7, 5), (1, 3, 4)])
  func concatMatchesReferenceAndSplitInverts(n: Int, h: Int, w: Int) {
    let xs = Self.inputs(n: n, h: h, w: w)
    let y = ChannelConcat().forward(xs)
    let total = Self.channels.reduce(0, +)
    #expect(y.shape == Shape(n, h, w, total))
    var expected = Tensor(shape: y.shape)
    for b in 0..<n {
      for i in 0..<h {
        for j in 0..<w {
          var offset = 0
          for x in xs {
            for k in 0..<x.shape[3] { expected[b, i, j, offset + k] = x[b, i, j, k] }
            offset += x.shape[3]
          }
        }
      }
    }
    #expect(y == expected)
    let parts = ChannelSplit(sizes: Self.channels).forward(y)
    #expect(parts == xs)
  }

  @Test func backwardSplitsAndAccumulates() {
    let xs = Self.inputs(n: 2, h: 3, w: 5)
    let concat = ChannelConcat()
    let y = concat.forward(xs)
    let dy = randomTensor(y.shape, seed: 40)
    var dxs = xs.map { Tensor(shape: $0.shape) }
    concat.backward(dy, into: &dxs)
    #expect(dxs == ChannelSplit(sizes: Self.channels).forward(dy))
    // A second backward doubles every input gradient.
    concat.backward(dy, into: &dxs)
    let doubled = ChannelSplit(sizes: Self.channels).forward(dy).map { part in
      Tensor(shape: part.shape) { 2 * part[flat: $0] }
    }
    #expect(dxs == doubled)
    // The gradient check with respect to one input, the others fixed.
    for index in xs.indices {
      expectGradient(at: xs[index], dy: dy, analytic: dxs[index].scaled(0.5)) { probe in
        var inputs = xs
        inputs[index] = probe
        return concat.forward(inputs)
      }
    }
  }

  @Test func splitBackwardAccumulates() {
    let split = ChannelSplit(sizes: [2, 0, 5])
    let x = randomTensor(Shape(1, 3, 3, 7), seed: 2)
    let dys = split.forward(x).enumerated().map { randomTensor($1.shape, seed: UInt64($0 + 50)) }
    var dx = Tensor(shape: x.shape)
    split.backward(dys, into: &dx)
    #expect(dx == ChannelConcat().forward(dys))
    expectAccumulates(x.shape) { split.backward(dys, into: &$0) }
    for index in dys.indices where dys[index].count > 0 {
      let analytic = gradientOfBlock(index, split, dys, x.shape)
      expectGradient(at: x, dy: dys[index], analytic: analytic) { split.forward($0)[index] }
    }
  }

  /// The gradient of sum(split(x)[index] * dy[index]) is dy[index] placed in its block.
  func gradientOfBlock(_ index: Int, _ split: ChannelSplit, _ dys: [Tensor], _ shape: Shape)
    -> Tensor
  {
    var only = dys.map { Tensor(shape: $0.shape) }
    only[index] = dys[index]
    var dx = Tensor(shape: shape)
    split.backward(only, into: &dx)
    return dx
  }
}
