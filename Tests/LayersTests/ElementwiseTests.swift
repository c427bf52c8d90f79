import Kernels
import Layers
import TensorCore
import Testing

@Suite struct ElementwiseTests {
  @Test(arguments: [0, 1, 15, 16, 17, 33, 100])
  func dotAndSumMatchDouble(count: Int) {
    let a = randomTensor(Shape(count), seed: 1)
    let b = randomTensor(Shape(count), seed: 2)
    var dot = 0.0
    var sum = 0.0
    for i in 0..<count {
      dot += Double(a[flat: i]) * Double(b[flat: i])
      sum += Double(a[flat: i])
    }
    let (fastDot, fastSum) = a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        (
          ElementwiseKernels.dot(pa.baseAddress!, pb.baseAddress!, count: count),
          ElementwiseKernels.sum(pa.baseAddress!, count: count)
        )
      }
    }
    #expect(abs(Double(fastDot) - dot) < 1e-5)
    #expect(abs(Double(fastSum) - sum) < 1e-5)
    #expect(abs(Double(TensorOps.sum(a)) - sum) < 1e-5)
  }

  @Test func tensorHelpers() {
    let a = randomTensor(Shape(3, 5, 7), seed: 1)
    let b = randomTensor(Shape(3, 5, 7), seed: 2)
    var acc = a
    TensorOps.accumulate(into: &acc, from: b)
    #expect(acc == Tensor(shape: a.shape) { a[flat: $0] + b[flat: $0] })
    #expect(a != acc)  // copy-on-write kept `a`
    var scaled = a
    TensorOps.accumulate(into: &scaled, from: b, scaledBy: -2)
    #expect(scaled == Tensor(shape: a.shape) { a[flat: $0] + -2 * b[flat: $0] })
    var s = a
    TensorOps.scale(&s, by: 3)
    #expect(s == Tensor(shape: a.shape) { a[flat: $0] * 3 })
    #expect(TensorOps.multiply(a, b) == Tensor(shape: a.shape) { a[flat: $0] * b[flat: $0] })
  }
}
