import Layers
import TensorCore
import Testing

@Suite struct DropoutTests {
  @Test func trainingMaskIsReproducibleAndScaled() {
    let dropout = Dropout(probability: 0.3)
    let x = randomTensor(Shape(4, 2048), seed: 1)
    var s1 = RandomStream(seed: 7, name: "dropout")
    var s2 = RandomStream(seed: 7, name: "dropout")
    let (y1, c1) = dropout.forward(x, mode: .training, random: &s1)
    let (y2, _) = dropout.forward(x, mode: .training, random: &s2)
    #expect(y1 == y2)
    #expect(s1 == s2)
    let (y3, _) = dropout.forward(x, mode: .training, random: &s1)
    #expect(y3 != y1)
    let mask = c1.mask ?? Tensor(shape: x.shape)
    let zeros = mask.scalars.filter { $0 == 0 }.count
    let fraction = Double(zeros) / Double(mask.count)
    #expect(abs(fraction - 0.3) < 0.02, "dropped \(fraction)")
    let keep: Float = 1 / 0.7
    #expect(mask.scalars.allSatisfy { $0 == 0 || $0 == keep })
    for i in stride(from: 0, to: x.count, by: 97) {
      #expect(y1[flat: i] == x[flat: i] * mask[flat: i])
    }
  }

  @Test func inferenceAndZeroProbabilityAreIdentity() {
    let x = randomTensor(Shape(2, 3, 3, 4), seed: 2)
    var stream = RandomStream(seed: 1, name: "dropout")
    let before = stream
    let (y, cache) = Dropout(probability: 0.5).forward(x, mode: .inference, random: &stream)
    #expect(y == x && cache.mask == nil && stream == before)
    let (y0, _) = Dropout(probability: 0).forward(x, mode: .training, random: &stream)
    #expect(y0 == x && stream == before)
    var dx = Tensor(shape: x.shape)
    Dropout(probability: 0.5).backward(x, cache: cache, into: &dx)
    #expect(dx == x)
    let (all, _) = Dropout(probability: 1).forward(x, mode: .training, random: &stream)
    #expect(all.scalars.allSatisfy { $0 == 0 })
  }

  @Test func backwardUsesTheMaskAndAccumulates() {
    let dropout = Dropout(probability: 0.25)
    let x = randomTensor(Shape(2, 5, 3, 7), seed: 3)
    var stream = RandomStream(seed: 3, name: "dropout")
    let saved = stream
    let (_, cache) = dropout.forward(x, mode: .training, random: &stream)
    let dy = randomTensor(x.shape, seed: 4)
    var dx = Tensor(shape: x.shape)
    dropout.backward(dy, cache: cache, into: &dx)
    // The same stream state gives the same mask at every probe.
    expectGradient(at: x, dy: dy, analytic: dx) { probe in
      var replay = saved
      return dropout.forward(probe, mode: .training, random: &replay).output
    }
    expectAccumulates(x.shape) { dropout.backward(dy, cache: cache, into: &$0) }
  }
}
