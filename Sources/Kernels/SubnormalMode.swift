import COpenBLAS

/// Whether float arithmetic flushes subnormal numbers to zero (the MXCSR FTZ and DAZ bits).
///
/// A subnormal operand or result (|x| < 1.2e-38) costs the x86 cores a microcode assist of
/// ~100 cycles. A trained parsing stream's softmax gives such probabilities for confident
/// pixels, and the part masks carry them into every product downstream: on the `ci` profile
/// one CAN training step took 7x longer than on random weights, 80 % of it inside
/// `sgemm_kernel`. Flushing is what PyTorch's `torch.set_flush_denormal(True)` does; it changes
/// results only below 1.2e-38 and is deterministic, so runs keep their bit-exactness.
///
/// The bits are per thread and inherited by threads created afterwards. OpenBLAS starts its
/// worker threads when it loads, before `main`, so `flushToZero()` restarts them from the
/// calling thread.
public enum SubnormalMode {
  /// Whether the calling thread flushes subnormals to zero.
  public static var isFlushingOnThisThread: Bool {
    let bits = reid_subnormal_mode_bits()
    return reid_get_mxcsr() & bits == bits
  }

  /// Flushes subnormals to zero on the calling thread, on OpenBLAS's workers and on every
  /// thread the calling thread creates from now on. Call it from the main thread before any
  /// other thread of the program starts.
  public static func flushToZero() {
    guard !isFlushingOnThisThread else { return }
    reid_set_mxcsr(reid_get_mxcsr() | reid_subnormal_mode_bits())
    restartBLASWorkers()
  }

  /// Computes with subnormals exactly (the IEEE default) on the calling thread and on
  /// OpenBLAS's workers.
  public static func computeExactly() {
    guard isFlushingOnThisThread else { return }
    reid_set_mxcsr(reid_get_mxcsr() & ~reid_subnormal_mode_bits())
    restartBLASWorkers()
  }

  /// Stops OpenBLAS's worker threads; its next threaded call starts new ones from the calling
  /// thread, which inherit its floating-point mode. The thread count is kept.
  static func restartBLASWorkers() {
    let threads = BLAS.threads
    blas_thread_shutdown_()
    BLAS.setThreads(threads)
  }
}
