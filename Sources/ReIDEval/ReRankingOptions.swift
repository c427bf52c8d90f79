/// The parameters of k-reciprocal re-ranking (Zhong et al., CVPR 2017).
public struct ReRankingOptions: Sendable, Equatable {
  /// The k of the k-reciprocal neighbour sets (k1/2, rounded half to even, for expansion).
  public var k1: Int
  /// The number of nearest items averaged by local query expansion (1: no expansion).
  public var k2: Int
  /// The weight of the original distance; the Jaccard distance gets 1 - lambda.
  public var lambda: Double

  /// Options; the defaults are the paper's and torchreid's (20, 6, 0.3).
  public init(k1: Int = 20, k2: Int = 6, lambda: Double = 0.3) {
    self.k1 = k1
    self.k2 = k2
    self.lambda = lambda
  }

  /// Throws unless k1 >= 1, k2 >= 1 and 0 <= lambda <= 1.
  public func validate() throws {
    guard k1 >= 1, k2 >= 1, lambda >= 0, lambda <= 1 else {
      throw EvaluationError(
        description: "re-ranking needs k1 >= 1, k2 >= 1 and 0 <= lambda <= 1; got k1 \(k1), "
          + "k2 \(k2), lambda \(lambda)")
    }
  }

  /// k1/2 rounded half to even, like numpy's `np.around(k1 / 2.0)`.
  var halfK1: Int { Int((Double(k1) / 2).rounded(.toNearestOrEven)) }

  /// How many nearest items of each row the algorithm reads: max(k1 + 1, k2), at most n.
  func width(items: Int) -> Int { min(max(k1 + 1, k2), items) }
}
