import Checkpoint
import Foundation
import Models
import TensorCore
import XCTest

/// Reads `Fixtures/parity.h5` (written by scripts/make_parity_fixtures.py) and compares a block
/// with the PyTorch module it reproduces.
enum ParityFixture {
  /// The fixture file's path inside the test bundle.
  static var path: String {
    Bundle.module.bundlePath + "/Fixtures/parity.h5"
  }

  /// The parameter values the fixture script used: see `fixture_values` there.
  static func values(name: String, shape: Shape) -> [Float] {
    var k: UInt32 = 2_166_136_261
    for byte in name.utf8 { k = (k ^ UInt32(byte)) &* 16_777_619 }
    let key = Double(k % 1009)
    let s = (0..<shape.count).map { sin(0.7548776662 * Double($0) + 0.5698402910 * (key + 1)) }
    if shape.rank >= 2 {
      let scale = (3 / Double(shape.count / shape[0])).squareRoot()
      return s.map { Float(scale * $0) }
    }
    return name.hasSuffix(".weight") ? s.map { Float(1 + $0 / 2) } : s.map { Float($0 / 10) }
  }

  /// Sets every parameter of `slabs` to the fixture formula.
  static func fill(_ slabs: ModelSlabs) {
    for entry in slabs.parameters.entries {
      guard let id = slabs.parameters.id(of: entry.name) else { continue }
      let v = values(name: entry.name, shape: entry.shape)
      let target = slabs.parameters.values(id)
      for i in 0..<v.count { target[i] = v[i] }
    }
  }

  /// (N, C, H, W) -> (N, H, W, C).
  static func nhwc(_ t: Tensor) -> Tensor {
    let d = t.shape.dims
    guard d.count == 4 else { return t }
    let (n, c, h, w) = (d[0], d[1], d[2], d[3])
    return Tensor(shape: Shape(n, h, w, c)) { i in
      let ch = i % c
      let x = (i / c) % w
      let y = (i / (c * w)) % h
      let b = i / (c * w * h)
      return t[flat: ((b * c + ch) * h + y) * w + x]
    }
  }

  /// max |a - b| / max(max |b|, floor): the error relative to the reference's scale.
  static func relativeError(_ a: Tensor, _ b: Tensor, floor: Float = 1e-12) -> Float {
    a.maxAbsDifference(b) / max(magnitude(b), floor)
  }

  /// max |t|.
  static func magnitude(_ t: Tensor) -> Float { t.scalars.reduce(Float(0)) { max($0, abs($1)) } }

  /// Runs `block` forward (in the case's mode) and backward on the case's input and upstream
  /// gradient and checks output, input gradient, every parameter gradient and the running
  /// statistics against PyTorch's within `tolerance` relative.
  static func check(
    _ caseName: String, _ block: some Block, _ slabs: ModelSlabs, tolerance: Float = 1e-4,
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let h5 = try HDF5File.open(path)
    let group = try h5.openGroup(caseName)
    fill(slabs)
    slabs.parameters.zeroGradients()
    let x = nhwc(try group.readTensor("input"))
    let training = try group.attribute("training", as: Int64.self) != 0
    let (y, cache) = block.forward(x, mode: training ? .training : .inference, slabs)
    let expected = nhwc(try group.readTensor("output"))
    XCTAssertEqual(y.shape, expected.shape, "\(caseName) output shape", file: file, line: line)
    guard y.shape == expected.shape else { return }
    let outputError = relativeError(y, expected)
    XCTAssertLessThan(outputError, tolerance, "\(caseName) output", file: file, line: line)
    var dx: Tensor? = Tensor(shape: x.shape)
    block.backward(nhwc(try group.readTensor("dy")), input: x, cache: cache, into: &dx, slabs)
    let dxError = relativeError(dx ?? x, nhwc(try group.readTensor("dx")))
    XCTAssertLessThan(dxError, tolerance, "\(caseName) dx", file: file, line: line)
    // A gradient that (nearly) vanishes in exact arithmetic is rounding noise in both
    // programs: a 1 -> 1 channel conv before a training-mode batch norm is scale invariant,
    // and a batch norm over 4 rows of (N, 1, 1, C) passes almost no gradient to its weight.
    // Tensors are compared at no less than 1e-2 of the case's largest gradient.
    var floor: Float = 1e-12
    for member in try group.openGroup("grads").members() {
      floor = max(floor, 1e-2 * magnitude(try group.readTensor("grads/\(member.name)")))
    }
    var worst: (Float, String) = (0, "")
    for member in try group.openGroup("grads").members() {
      guard let id = slabs.parameters.id(of: member.name) else {
        XCTFail("\(caseName): no parameter \(member.name)", file: file, line: line)
        continue
      }
      let reference = try group.readTensor("grads/\(member.name)")
      let error = relativeError(
        slabs.parameters.gradient(id).reshaped(reference.shape), reference, floor: floor)
      if error >= worst.0 { worst = (error, member.name) }
    }
    XCTAssertLessThan(worst.0, tolerance, "\(caseName) gradient \(worst.1)", file: file, line: line)
    for member in try group.openGroup("buffers").members() {
      guard let id = slabs.buffers.id(of: member.name) else {
        XCTFail("\(caseName): no buffer \(member.name)", file: file, line: line)
        continue
      }
      let reference = try group.readTensor("buffers/\(member.name)")
      let error = relativeError(slabs.buffers.value(id).reshaped(reference.shape), reference)
      XCTAssertLessThan(error, tolerance, "\(caseName) \(member.name)", file: file, line: line)
    }
    print(
      "parity \(caseName): output \(outputError), dx \(dxError), worst gradient \(worst.0) "
        + "(\(worst.1))")
  }
}
