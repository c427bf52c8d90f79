import Dispatch
import TensorCore

/// Splits a loop over `0..<count` into contiguous chunks run on `workers` threads.
///
/// Evaluation runs its non-BLAS loops (ranking, neighbour selection, Jaccard distances) on as
/// many threads as BLAS gets, one after the other with the sgemms, never beside them.
enum Parallel {
  /// Calls `body(range)` for `workers` contiguous, disjoint ranges covering `0..<count`,
  /// concurrently; `body` must only write to memory that its range owns.
  static func forEachChunk(
    _ count: Int, workers: Int, _ body: @Sendable (Range<Int>) -> Void
  ) {
    let chunks = max(1, min(workers, count))
    if chunks == 1 {
      body(0..<count)
      return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      body(count * chunk / chunks..<count * (chunk + 1) / chunks)
    }
  }
}

/// A pointer that may cross into `Parallel.forEachChunk` bodies: the caller guarantees that
/// concurrent bodies touch disjoint elements and that the memory outlives the loop.
struct SharedPointer<Element>: @unchecked Sendable {
  let base: UnsafeMutablePointer<Element>

  init(_ base: UnsafeMutablePointer<Element>) { self.base = base }

  subscript(index: Int) -> Element {
    get { base[index] }
    nonmutating set { base[index] = newValue }
  }
}

/// A fixed-size heap array that `Parallel.forEachChunk` bodies may fill at disjoint indices.
final class SharedBuffer<Element>: @unchecked Sendable {
  let base: UnsafeMutablePointer<Element>
  let count: Int

  /// `count` copies of `value`.
  init(repeating value: Element, count: Int) {
    self.count = count
    base = UnsafeMutablePointer.allocate(capacity: max(count, 1))
    base.initialize(repeating: value, count: count)
  }

  deinit {
    base.deinitialize(count: count)
    base.deallocate()
  }

  subscript(index: Int) -> Element {
    get { base[index] }
    set { base[index] = newValue }
  }

  /// The elements as an array.
  var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
