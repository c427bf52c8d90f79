import ArgumentParser
import Foundation
import Harness

#if canImport(Glibc)
  import Glibc
#endif

/// The exit status that asks a Slurm job to requeue itself: training stopped on SIGUSR1 (the
/// pre-timeout signal `reid submit` asks for) after writing a checkpoint.
enum RequeueStatus {
  /// EX_TEMPFAIL: the run is intact and resumes when started again.
  static let code: Int32 = 75

  /// Runs `body`; a training stopped by SIGUSR1 exits with `code` instead of 1.
  static func mapping<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let interrupted as TrainingInterrupted where interrupted.signal == SIGUSR1 {
      FileHandle.standardError.write(Data("reid: \(interrupted)\n".utf8))
      throw ExitCode(code)
    }
  }
}
