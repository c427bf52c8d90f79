import Foundation

/// Tests that a call stops the program with a given message (a "death test").
///
/// The test process re-runs its own test binary, filtered to the calling test, with an
/// environment variable naming the scenario; in the child the scenario runs and is expected to
/// die. The parent checks that the child died by a signal and printed the message. On Linux
/// the XCTest binary takes a `Class/method` filter as its argument.
public enum DeathTest {
  static let variable = "REID_DEATH_TEST_SCENARIO"

  /// Whether this process is the child running `scenario`.
  public static func isRunning(_ scenario: String) -> Bool {
    ProcessInfo.processInfo.environment[variable] == scenario
  }

  /// The outcome of a death-test child.
  public struct Outcome {
    /// Whether the child was killed by a signal (a trap), rather than exiting.
    public var diedBySignal: Bool
    /// What the child wrote to standard error.
    public var standardError: String
  }

  /// Runs `test` (as `Class/method`) in a child process with `scenario` selected.
  public static func run(test: String, scenario: String) throws -> Outcome {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = [test]
    var environment = ProcessInfo.processInfo.environment
    environment[variable] = scenario
    environment["SWIFT_BACKTRACE"] = "enable=no"
    child.environment = environment
    let errors = Pipe()
    child.standardError = errors
    child.standardOutput = FileHandle.nullDevice
    try child.run()
    let data = errors.fileHandleForReading.readDataToEndOfFile()
    child.waitUntilExit()
    return Outcome(
      diedBySignal: child.terminationReason == .uncaughtSignal,
      standardError: String(decoding: data, as: UTF8.self))
  }
}
