#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A seeded random stream (xoshiro256**) whose whole state can be saved and restored.
///
/// Every random draw in the project comes from a named stream (init, sampler, augmentation,
/// synthetic data, dropout), so that a run is reproducible from its seed and a checkpoint can
/// carry the exact position of each stream. The algorithms below are fixed: changing one
/// changes every result, so it would be a new trainer format version.
public struct RandomStream: Sendable, Equatable {
  /// The four 64-bit words of xoshiro256** state.
  public private(set) var state: [UInt64]

  /// A stream derived from a run seed and a stream name.
  ///
  /// The name is hashed with FNV-1a (stable across processes, unlike `Hasher`) and mixed
  /// with the seed through SplitMix64, so streams with different names are independent.
  public init(seed: UInt64, name: String) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in name.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    var mixer = seed ^ hash
    var words = [UInt64]()
    for _ in 0..<4 { words.append(RandomStream.splitMix64(&mixer)) }
    if words.allSatisfy({ $0 == 0 }) { words[0] = 1 }
    state = words
  }

  /// Restores a stream from a saved `state` (four words, not all zero).
  public init(state: [UInt64]) {
    checkPrecondition(
      state.count == 4 && state.contains { $0 != 0 },
      "RandomStream: a state is four words, not all zero; got \(state)")
    self.state = state
  }

  private static func splitMix64(_ x: inout UInt64) -> UInt64 {
    x = x &+ 0x9e37_79b9_7f4a_7c15
    var z = x
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  @inline(__always)
  private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// The next 64 random bits.
  public mutating func nextUInt64() -> UInt64 {
    let result = RandomStream.rotl(state[1] &* 5, 7) &* 9
    let t = state[1] << 17
    state[2] ^= state[0]
    state[3] ^= state[1]
    state[1] ^= state[2]
    state[0] ^= state[3]
    state[2] ^= t
    state[3] = RandomStream.rotl(state[3], 45)
    return result
  }

  /// A uniform integer in `0..<bound` (unbiased, by rejection).
  public mutating func nextInt(below bound: Int) -> Int {
    checkPrecondition(bound > 0, "RandomStream.nextInt(below:): bound \(bound) must be positive")
    let b = UInt64(bound)
    let limit = UInt64.max - UInt64.max % b
    while true {
      let x = nextUInt64()
      if x < limit { return Int(x % b) }
    }
  }

  /// A uniform float in [0, 1) with 24 random bits.
  public mutating func nextUniform() -> Float {
    Float(nextUInt64() >> 40) * (1.0 / 16_777_216.0)
  }

  /// A uniform float in [low, high).
  public mutating func nextUniform(_ low: Float, _ high: Float) -> Float {
    low + (high - low) * nextUniform()
  }

  /// A standard normal float (Box-Muller in double precision; one draw per two uniforms).
  public mutating func nextNormal() -> Float {
    let u1 = 1.0 - Double(nextUInt64() >> 11) * (1.0 / 9_007_199_254_740_992.0)  // (0, 1]
    let u2 = Double(nextUInt64() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    return Float(sqrt(-2.0 * log(u1)) * cos(2.0 * Double.pi * u2))
  }

  /// A uniformly random permutation of `0..<count` (Fisher-Yates).
  public mutating func permutation(_ count: Int) -> [Int] {
    var result = Array(0..<count)
    shuffle(&result)
    return result
  }

  /// Shuffles `array` in place (Fisher-Yates, from the back).
  public mutating func shuffle<T>(_ array: inout [T]) {
    guard array.count > 1 else { return }
    for i in stride(from: array.count - 1, to: 0, by: -1) {
      let j = nextInt(below: i + 1)
      array.swapAt(i, j)
    }
  }

  /// Fills `tensor` with uniform values in [low, high).
  public mutating func fillUniform(_ tensor: inout Tensor, _ low: Float, _ high: Float) {
    tensor.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count { p[i] = nextUniform(low, high) }
    }
  }

  /// Fills `tensor` with normal values of the given mean and standard deviation.
  public mutating func fillNormal(_ tensor: inout Tensor, mean: Float = 0, std: Float = 1) {
    tensor.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count { p[i] = mean + std * nextNormal() }
    }
  }
}

/// The named random streams of one run, created on first use from the run seed.
public struct RandomStreams: Sendable, Equatable {
  /// The seed every stream is derived from.
  public let seed: UInt64
  private var streams: [String: RandomStream] = [:]

  /// Streams derived from `seed`.
  public init(seed: UInt64) { self.seed = seed }

  /// The stream called `name`, created from the seed on first access.
  public subscript(name: String) -> RandomStream {
    get { streams[name] ?? RandomStream(seed: seed, name: name) }
    set { streams[name] = newValue }
  }

  /// The saved state of every stream used so far, by name.
  public var states: [String: [UInt64]] { streams.mapValues(\.state) }

  /// Restores streams from `states` (as `states` returned them).
  public init(seed: UInt64, states: [String: [UInt64]]) {
    self.seed = seed
    streams = states.mapValues { RandomStream(state: $0) }
  }
}
