import Kernels
import TensorCore

/// Euclidean distances through sgemm: |a - b| = sqrt(max(0, |a|^2 + |b|^2 - 2 a.b)).
///
/// Every distance of the project comes from `distance(dot:_:_:)` over a dot product and two
/// squared norms from `squaredNorms`, so the same pair gives the same bits in every path.
public enum EuclideanDistance {
  /// Rows of the query block per sgemm call: bounds the scratch-free working set to
  /// `rowBlock x gallery` scalars of the result, which is written in place.
  static let rowBlock = 256

  /// x: (N, D) -> (N) squared L2 norms, accumulated in 16 lanes and then in lane order.
  public static func squaredNorms(_ x: UnsafePointer<Float>, rows: Int, dimension: Int)
    -> [Float]
  {
    (0..<rows).map { dot(x + $0 * dimension, x + $0 * dimension, dimension) }
  }

  /// The dot product of two vectors of `count` values, in 16 lanes then in lane order (the
  /// fallback for single pairs; sgemm computes the bulk).
  public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int)
    -> Float
  {
    var acc = SIMD16<Float>()
    var i = 0
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    while i + 16 <= count {
      let x = ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
      let y = rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
      acc += x * y
      i += 16
    }
    var sum: Float = 0
    for lane in 0..<16 { sum += acc[lane] }
    while i < count {
      sum += a[i] * b[i]
      i += 1
    }
    return sum
  }

  /// The distance of two vectors from their dot product and squared norms (clamped at 0).
  @inline(__always)
  public static func distance(dot: Float, _ normA: Float, _ normB: Float) -> Float {
    let squared = (normA + normB) - 2 * dot
    return squared > 0 ? squared.squareRoot() : 0
  }

  /// query: (Nq, D), gallery: (Ng, D) -> (Nq, Ng) Euclidean distances.
  ///
  /// The sgemm writes each block of query rows straight into the result, so the only large
  /// allocation is the result itself.
  public static func matrix(query: Tensor, gallery: Tensor, threads: Int = 2) -> Tensor {
    checkPrecondition(
      query.shape.rank == 2 && gallery.shape.rank == 2 && query.shape[1] == gallery.shape[1],
      "EuclideanDistance.matrix: query \(query.shape), gallery \(gallery.shape)")
    let (nq, ng, dimension) = (query.shape[0], gallery.shape[0], query.shape[1])
    var result = Tensor(shape: Shape([nq, ng]))
    query.withUnsafePointer { q in
      gallery.withUnsafePointer { g in
        let queryNorms = squaredNorms(q, rows: nq, dimension: dimension)
        let galleryNorms = squaredNorms(g, rows: ng, dimension: dimension)
        result.withUnsafeMutablePointer { out in
          let shared = SharedPointer(out)
          for start in stride(from: 0, to: nq, by: rowBlock) {
            let rows = min(rowBlock, nq - start)
            BLAS.sgemm(
              .none, .transposed, m: rows, n: ng, k: dimension, a: q + start * dimension,
              b: g, c: out + start * ng)
            Parallel.forEachChunk(rows, workers: threads) { chunk in
              for r in chunk {
                let row = shared.base + (start + r) * ng
                let normA = queryNorms[start + r]
                for j in 0..<ng {
                  row[j] = distance(dot: row[j], normA, galleryNorms[j])
                }
              }
            }
          }
        }
      }
    }
    return result
  }
}
