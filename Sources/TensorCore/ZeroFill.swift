import CKernelThreads

extension UnsafeMutablePointer where Pointee == Float {
  /// Sets the `count` scalars from here on to zero, splitting a large fill over the kernel
  /// threads.
  ///
  /// A fill of at least 256 KiB from the thread that set the kernel thread count (the
  /// training loop's) runs on the kernel threads' pool; others run on the calling thread
  /// (`reid_pool_zero`). Zeroing is the same bits on any split. Returns the number of parts
  /// the fill was split into (1: the calling thread alone).
  @discardableResult
  public func zeroFill(count: Int) -> Int {
    reid_pool_zero(self, count * MemoryLayout<Float>.stride)
  }
}
