import Foundation
import Kernels
import XCTest

/// `KernelThreads.split` on the polling pool: every part runs once, on more than one thread,
/// under the caller's floating-point mode, also when splits nest or come from several threads
/// at once (those run on the calling thread).
final class KernelThreadsPoolTests: XCTestCase {
  /// Per-part records, written by one part each (buffers, which parts on several threads
  /// write in place, not arrays behind a class property).
  final class Records: @unchecked Sendable {
    let runsBuffer: UnsafeMutableBufferPointer<Int>
    let threadsBuffer: UnsafeMutableBufferPointer<UInt64>
    let flushingBuffer: UnsafeMutableBufferPointer<Bool>
    init(_ parts: Int) {
      runsBuffer = .allocate(capacity: parts)
      runsBuffer.initialize(repeating: 0)
      threadsBuffer = .allocate(capacity: parts)
      threadsBuffer.initialize(repeating: 0)
      flushingBuffer = .allocate(capacity: parts)
      flushingBuffer.initialize(repeating: false)
    }
    deinit {
      runsBuffer.deallocate()
      threadsBuffer.deallocate()
      flushingBuffer.deallocate()
    }
    var runs: [Int] { Array(runsBuffer) }
    var threads: [UInt64] { Array(threadsBuffer) }
    var flushing: [Bool] { Array(flushingBuffer) }
  }

  var savedCount = 1

  override func setUp() {
    super.setUp()
    savedCount = KernelThreads.count
    KernelThreads.count = 2
  }

  override func tearDown() {
    KernelThreads.count = savedCount
    SubnormalMode.computeExactly()
    super.tearDown()
  }

  static func threadID() -> UInt64 { UInt64(pthread_self()) }

  /// Splits `parts` parts that each take `seconds`, recording who ran them.
  func run(_ parts: Int, seconds: Double = 0) -> Records {
    let records = Records(parts)
    KernelThreads.split(parts) { part in
      if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
      records.runsBuffer[part] += 1
      records.threadsBuffer[part] = Self.threadID()
      records.flushingBuffer[part] = SubnormalMode.isFlushingOnThisThread
    }
    return records
  }

  /// On one worker and on two (which also race each other for parts), and after the pool
  /// shrinks back to one.
  func testEveryPartRunsOnce() {
    for (threads, passes) in [(2, 2_000_000), (3, 300_000), (2, 300_000)] {
      KernelThreads.count = threads
      for parts in [1, 2, 3, 7, 64, 1000] {
        XCTAssertEqual(run(parts).runs, Array(repeating: 1, count: parts), "\(parts) parts")
      }
      // Many passes back to back: a worker that wakes late never runs a part of the next one.
      for pass in 0..<passes {
        let parts = 2 + pass % 5
        let runs = run(parts).runs
        if runs != Array(repeating: 1, count: parts) {
          return XCTFail("\(threads) threads, pass \(pass): parts ran \(runs) times")
        }
      }
      let records = run(16, seconds: 0.004)
      XCTAssertEqual(records.runs, Array(repeating: 1, count: 16))
      XCTAssertGreaterThan(Set(records.threads).count, 1, "\(threads) threads: one ran all")
    }
  }

  /// Parts long enough that the worker, polling or asleep, takes some: they run on two
  /// threads, each under the caller's subnormal mode, which changes between the passes
  /// (the worker started under the other mode).
  func testWorkersRunPartsUnderTheCallersMode() {
    for (flushing, pause) in [(true, 0.01), (false, 0), (true, 0)] {
      if flushing { SubnormalMode.flushToZero() } else { SubnormalMode.computeExactly() }
      // The worker is asleep after a pause, still polling without one.
      Thread.sleep(forTimeInterval: pause)
      let records = run(16, seconds: 0.004)
      XCTAssertEqual(records.runs, Array(repeating: 1, count: 16))
      XCTAssertGreaterThan(Set(records.threads).count, 1, "one thread ran every part")
      XCTAssertEqual(
        records.flushing, Array(repeating: flushing, count: 16), "flushing \(flushing)")
    }
  }

  /// Splits inside a part run on that part's thread, a worker included: still under the
  /// caller's mode.
  func testFallbackPartsRunUnderTheCallersMode() {
    for flushing in [true, false, true, false] {
      if flushing { SubnormalMode.flushToZero() } else { SubnormalMode.computeExactly() }
      let inner = (0..<2).map { _ in Records(8) }
      KernelThreads.split(2) { part in
        KernelThreads.split(8) { innerPart in
          Thread.sleep(forTimeInterval: 0.001)
          inner[part].flushingBuffer[innerPart] = SubnormalMode.isFlushingOnThisThread
        }
      }
      for records in inner {
        XCTAssertEqual(records.flushing, Array(repeating: flushing, count: 8), "\(flushing)")
      }
    }
  }

  /// A split inside a part, and splits from two threads at once, run every part once.
  func testNestedAndConcurrentSplitsRunEveryPart() {
    let outer = Records(4)
    let inner = (0..<4).map { _ in Records(6) }
    KernelThreads.split(4) { part in
      outer.runsBuffer[part] += 1
      KernelThreads.split(6) { innerPart in inner[part].runsBuffer[innerPart] += 1 }
    }
    XCTAssertEqual(outer.runs, [1, 1, 1, 1])
    XCTAssertEqual(inner.map(\.runs), Array(repeating: Array(repeating: 1, count: 6), count: 4))

    let callers = (0..<3).map { _ in Records(200) }
    DispatchQueue.concurrentPerform(iterations: callers.count) { caller in
      for _ in 0..<200 {
        KernelThreads.split(5) { part in callers[caller].runsBuffer[part * 40] += 1 }
      }
    }
    for caller in callers {
      XCTAssertEqual((0..<5).map { caller.runs[$0 * 40] }, Array(repeating: 200, count: 5))
    }
  }

  /// Large zero fills split over the pool from the thread that set the count, and clear
  /// exactly their scalars for any length and start (the runs are whole lines from the
  /// start); small fills and fills from other threads run on the calling thread.
  func testZeroFillClearsExactlyItsScalars() {
    let capacity = 300_000
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
    defer { buffer.deallocate() }
    for (offset, count) in [(0, 65_536), (3, 65_536 + 5), (1, capacity - 2), (16, 200_001)] {
      Self.checkZeroFill(buffer, capacity, offset: offset, count: count, parts: 2, "owner")
    }
    Self.checkZeroFill(buffer, capacity, offset: 5, count: 65_535, parts: 1, "small")
    nonisolated(unsafe) let shared = buffer
    let done = DispatchSemaphore(value: 0)
    Thread {
      Self.checkZeroFill(shared, capacity, offset: 3, count: 200_000, parts: 1, "other thread")
      done.signal()
    }.start()
    done.wait()
  }

  /// Fills `capacity` scalars with 7, zero-fills `count` from `offset`, and checks that
  /// exactly those became zero, split into `parts`.
  static func checkZeroFill(
    _ buffer: UnsafeMutablePointer<Float>, _ capacity: Int, offset: Int, count: Int, parts: Int,
    _ label: String
  ) {
    buffer.initialize(repeating: 7, count: capacity)
    XCTAssertEqual((buffer + offset).zeroFill(count: count), parts, "\(label): \(count) parts")
    let zeroed = (0..<capacity).filter { buffer[$0] == 0 }
    XCTAssertEqual(zeroed.first, offset, "\(label): first zero of \(offset) + \(count)")
    XCTAssertEqual(zeroed.count, count, "\(label): zeros of \(offset) + \(count)")
    XCTAssertEqual(zeroed.last, offset + count - 1, "\(label): last zero")
  }
}
