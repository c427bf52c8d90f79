import COpenBLAS
import TensorCore

/// Row-major single-precision matrix products through OpenBLAS, and the BLAS runtime
/// settings that results must record.
public enum BLAS {
  /// Whether an operand is used as stored or transposed.
  public enum Transpose: Sendable {
    case none, transposed

    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
  }

  /// C = alpha * op(A) * op(B) + beta * C, all row-major.
  ///
  /// op(A) is (m, k), op(B) is (k, n), C is (m, n); `lda`, `ldb`, `ldc` are the row strides of
  /// A, B and C as stored (defaults: packed).
  public static func sgemm(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil,
    b: UnsafePointer<Float>, ldb: Int? = nil,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil
  ) {
    checkPrecondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative size m \(m) n \(n) k \(k)")
    if m == 0 || n == 0 { return }
    let lda = lda ?? (transA == .none ? k : m)
    let ldb = ldb ?? (transB == .none ? n : k)
    let ldc = ldc ?? n
    let profile = SGEMMProfile.shared
    let start = profile.enabled ? ContinuousClock.now : nil
    cblas_sgemm(
      CblasRowMajor, transA.cblas, transB.cblas, blasint(m), blasint(n), blasint(k), alpha,
      a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    if let start {
      let elapsed = (ContinuousClock.now - start).components
      profile.record(
        transA, transB, m: m, n: n, k: k,
        seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
    }
  }

  /// The number of threads OpenBLAS uses.
  public static var threads: Int { Int(openblas_get_num_threads()) }

  /// Sets the number of OpenBLAS threads (the config's `blas.threads`).
  public static func setThreads(_ count: Int) {
    checkPrecondition(count >= 1, "BLAS.setThreads: \(count) threads")
    openblas_set_num_threads(Int32(count))
  }

  /// The kernel family OpenBLAS picked at load time, for example `Cooperlake` or `Haswell`.
  ///
  /// It is chosen from `OPENBLAS_CORETYPE` when the library loads, so changing it needs a new
  /// process (see `BLASRuntime`).
  public static var coreName: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
  }

  /// The OpenBLAS build configuration string.
  public static var configString: String {
    guard let config = openblas_get_config() else { return "unknown" }
    return String(cString: config)
  }

  /// What a manifest records about BLAS: core, config, threads and the subnormal mode.
  public static var runtimeDescription: [String: String] {
    [
      "corename": coreName, "config": configString, "threads": String(threads),
      "subnormals": SubnormalMode.isFlushingOnThisThread ? "flushed" : "exact",
    ]
  }
}
