import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// SIGINT, SIGTERM and SIGUSR1 (the pre-timeout signal of `reid submit`'s Slurm jobs) turned
/// into a flag the training loop polls, so that it can write a checkpoint and exit non-zero (a
/// scheduler can then requeue the run).
enum StopSignal {
  static let requested = Atomic<Int32>(0)

  /// Installs the handlers (idempotent).
  static func install() {
    for sig in [SIGINT, SIGTERM, SIGUSR1] {
      signal(sig) { number in StopSignal.requested.store(number, ordering: .relaxed) }
    }
  }

  /// Restores the default handlers once training is over, so that a signal during
  /// evaluation stops the process; a signal that arrived after the loop's last poll is
  /// delivered now. SIGUSR1 is ignored from then on: it only asks training to checkpoint
  /// before a time limit (and reaches every process of an MPI job, some after they stopped).
  static func uninstall() {
    for sig in [SIGINT, SIGTERM] { signal(sig, SIG_DFL) }
    signal(SIGUSR1, SIG_IGN)
    if let pending = take(), pending != SIGUSR1 { raise(pending) }
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
