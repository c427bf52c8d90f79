import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// SIGINT and SIGTERM turned into a flag the training loop polls, so that it can write a
/// checkpoint and exit non-zero (a scheduler can then requeue the run).
enum StopSignal {
  static let requested = Atomic<Int32>(0)

  /// Installs the handlers (idempotent).
  static func install() {
    for sig in [SIGINT, SIGTERM] {
      signal(sig) { number in StopSignal.requested.store(number, ordering: .relaxed) }
    }
  }

  /// Restores the default handlers once training is over, so that a signal during
  /// evaluation stops the process; a signal that arrived after the loop's last poll is
  /// delivered now.
  static func uninstall() {
    for sig in [SIGINT, SIGTERM] { signal(sig, SIG_DFL) }
    if let pending = received { raise(pending) }
  }

  /// The signal received, if any.
  static var received: Int32? {
    let value = requested.load(ordering: .relaxed)
    return value == 0 ? nil : value
  }

  /// The signal received, if any, now handled (`uninstall` will not deliver it again).
  static func take() -> Int32? {
    let value = requested.exchange(0, ordering: .relaxed)
    return value == 0 ? nil : value
  }
}

/// Training stopped by a signal after saving a checkpoint.
public struct TrainingInterrupted: Error, CustomStringConvertible {
  /// The signal number.
  public var signal: Int32
  /// The step of the checkpoint written.
  public var step: Int

  public var description: String {
    "interrupted by signal \(signal); checkpoint saved at step \(step); run again to resume"
  }
}
