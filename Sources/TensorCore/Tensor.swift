/// A dense float32 tensor with value semantics over 64-byte aligned storage.
///
/// Copies share storage until one of them is mutated (copy-on-write). Pointer access goes
/// through the `withUnsafe…` methods only, so a pointer never outlives the storage it reads.
public struct Tensor: Sendable, CustomStringConvertible {
  /// The extents, outermost first.
  public private(set) var shape: Shape
  @usableFromInline internal var storage: AlignedBuffer

  /// A tensor of `shape` filled with `value` (zeros by default).
  public init(shape: Shape, repeating value: Float = 0) {
    self.shape = shape
    storage = AlignedBuffer(count: shape.count)
    if value != 0 { storage.buffer.update(repeating: value) }
  }

  /// A tensor of `shape` whose every scalar `initializer` writes through the pointer it gets.
  ///
  /// The storage is not zeroed first: for a layer output that a kernel overwrites whole, the
  /// zeroing was one more full pass over memory (and sgemm with beta 0 zeroes its output
  /// itself). A scalar the initializer leaves unwritten holds garbage, so use it only where
  /// the kernel provably writes all `shape.count` scalars.
  public init(
    shape: Shape, initializingEveryScalar initializer: (UnsafeMutablePointer<Float>) throws -> Void
  ) rethrows {
    self.shape = shape
    storage = AlignedBuffer(uninitialized: shape.count)
    try initializer(storage.baseAddress)
  }

  /// A tensor of `shape` holding `scalars` in row-major order.
  public init(shape: Shape, scalars: [Float]) {
    checkPrecondition(
      scalars.count == shape.count,
      "Tensor: \(scalars.count) scalars for shape \(shape) (\(shape.count) expected)")
    self.shape = shape
    storage = AlignedBuffer(count: shape.count)
    let p = storage.baseAddress
    for (i, v) in scalars.enumerated() { p[i] = v }
  }

  /// A tensor of `shape` whose scalar at flat index `i` is `generator(i)`.
  public init(shape: Shape, generator: (Int) -> Float) {
    self.shape = shape
    storage = AlignedBuffer(count: shape.count)
    let p = storage.baseAddress
    for i in 0..<shape.count { p[i] = generator(i) }
  }

  /// The number of scalars.
  public var count: Int { shape.count }

  /// The scalars in row-major order.
  public var scalars: [Float] { Array(storage.buffer) }

  /// The scalar at a flat row-major index.
  public subscript(flat index: Int) -> Float {
    get {
      checkPrecondition(
        index >= 0 && index < count, "Tensor \(shape): flat index \(index) out of range")
      return storage.baseAddress[index]
    }
    set {
      checkPrecondition(
        index >= 0 && index < count, "Tensor \(shape): flat index \(index) out of range")
      makeUnique()
      storage.baseAddress[index] = newValue
    }
  }

  /// The scalar at a multi-index.
  public subscript(_ index: Int...) -> Float {
    get { storage.baseAddress[shape.offset(of: index)] }
    set {
      let offset = shape.offset(of: index)
      makeUnique()
      storage.baseAddress[offset] = newValue
    }
  }

  /// The same scalars under another shape with the same count.
  public func reshaped(_ newShape: Shape) -> Tensor {
    checkPrecondition(
      newShape.count == shape.count, "Tensor.reshaped: \(shape) cannot become \(newShape)")
    var result = self
    result.shape = newShape
    return result
  }

  /// Calls `body` with read access to the scalars.
  @inlinable
  public func withUnsafeBufferPointer<R>(
    _ body: (UnsafeBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try withExtendedLifetime(storage) {
      try body(UnsafeBufferPointer(start: storage.baseAddress, count: shape.count))
    }
  }

  /// Calls `body` with write access to the scalars, copying shared storage first.
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    makeUnique()
    return try withExtendedLifetime(storage) {
      try body(UnsafeMutableBufferPointer(start: storage.baseAddress, count: shape.count))
    }
  }

  /// Calls `body` with a pointer to the first scalar (never nil, even for an empty tensor).
  @inlinable
  public func withUnsafePointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
    try withExtendedLifetime(storage) { try body(storage.baseAddress) }
  }

  /// Calls `body` with a mutable pointer to the first scalar, copying shared storage first.
  @inlinable
  public mutating func withUnsafeMutablePointer<R>(
    _ body: (UnsafeMutablePointer<Float>) throws -> R
  ) rethrows -> R {
    makeUnique()
    return try withExtendedLifetime(storage) { try body(storage.baseAddress) }
  }

  /// Gives this tensor its own storage if another value shares it.
  @inlinable
  public mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) { storage = AlignedBuffer(copying: storage) }
  }

  /// Sets every scalar to zero.
  public mutating func zero() {
    withUnsafeMutableBufferPointer { scalars in
      _ = scalars.baseAddress?.zeroFill(count: scalars.count)
    }
  }

  /// The largest absolute difference to `other`, which must have the same shape.
  public func maxAbsDifference(_ other: Tensor) -> Float {
    checkPrecondition(shape == other.shape, "Tensor.maxAbsDifference: \(shape) vs \(other.shape)")
    var result: Float = 0
    withUnsafeBufferPointer { a in
      other.withUnsafeBufferPointer { b in
        for i in 0..<a.count { result = max(result, abs(a[i] - b[i])) }
      }
    }
    return result
  }

  public var description: String {
    let preview = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
    return "Tensor\(shape)[\(preview)\(count > 8 ? ", …" : "")]"
  }
}

extension Tensor: Equatable {
  /// Bitwise equality of shape and scalars (NaNs with the same bits compare equal).
  public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
    guard lhs.shape == rhs.shape else { return false }
    return lhs.withUnsafeBufferPointer { a in
      rhs.withUnsafeBufferPointer { b in
        for i in 0..<a.count where a[i].bitPattern != b[i].bitPattern { return false }
        return true
      }
    }
  }
}
