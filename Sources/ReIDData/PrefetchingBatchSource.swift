import Foundation
import TensorCore

/// Produces batches on one background thread, up to `depth` ahead of the consumer.
///
/// The thread runs the same `BatchSource` the foreground would, so the batches are the same
/// bits whatever the timing; only when they are computed changes. An error ends the stream:
/// `next()` rethrows it after the batches before it. Stop with `stop()` (also on deinit),
/// which waits for the thread to finish its current batch.
public final class PrefetchingBatchSource: Sendable {
  private let queue: BoundedQueue

  /// Starts prefetching from `sampler` (at its current state) with `builder`, building this
  /// process's `shards` of each batch.
  /// - Parameter depth: batches computed ahead (at least 1).
  public init(
    sampler: BatchSampler, builder: BatchBuilder, shards: ShardPlan = .single, depth: Int = 2
  ) {
    let queue = BoundedQueue(capacity: max(1, depth))
    self.queue = queue
    let thread = Thread {
      var source: BatchSource
      do {
        source = try BatchSource(sampler: sampler, builder: builder, shards: shards)
      } catch {
        queue.finish(with: error)
        return
      }
      while !queue.isStopped {
        do {
          let batch = try source.next()
          if !queue.put(batch) { break }
        } catch {
          queue.finish(with: error)
          break
        }
      }
      queue.markExited()
    }
    thread.name = "reid-prefetch"
    thread.start()
  }

  deinit { queue.stop() }

  /// The next batch, waiting for the thread if it is not ready.
  /// - Throws: the error that stopped the producer (a corrupt image, ...).
  public func next() throws -> Batch { try queue.take() }

  /// Stops the thread and waits until it has finished.
  public func stop() { queue.stop() }
}

/// A bounded FIFO between one producer thread and one consumer, guarded by a condition.
final class BoundedQueue: @unchecked Sendable {
  // All mutable state below is accessed only while holding `condition`.
  private let condition = NSCondition()
  private var items: [Batch] = []
  private var failure: Error?
  private var stopped = false
  private var exited = false
  private let capacity: Int

  init(capacity: Int) { self.capacity = capacity }

  var isStopped: Bool {
    condition.lock()
    defer { condition.unlock() }
    return stopped
  }

  /// Adds a batch, waiting while full; false when stopped.
  func put(_ batch: Batch) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= capacity && !stopped { condition.wait() }
    if stopped { return false }
    items.append(batch)
    condition.broadcast()
    return true
  }

  /// Ends the stream with an error (after the batches already queued).
  func finish(with error: Error) {
    condition.lock()
    failure = error
    exited = true
    condition.broadcast()
    condition.unlock()
  }

  func markExited() {
    condition.lock()
    exited = true
    condition.broadcast()
    condition.unlock()
  }

  func take() throws -> Batch {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && failure == nil && !stopped { condition.wait() }
    if !items.isEmpty {
      let batch = items.removeFirst()
      condition.broadcast()
      return batch
    }
    if let failure { throw failure }
    throw PrefetchError.stopped
  }

  /// Stops the producer and waits for its thread to leave.
  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    while !exited { condition.wait() }
    condition.unlock()
  }
}

/// `next()` was called on a stopped prefetcher.
public enum PrefetchError: Error, Equatable {
  /// The prefetcher was stopped.
  case stopped
}
