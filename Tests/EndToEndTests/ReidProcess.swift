import Foundation
import XCTest

/// Runs the `reid` executable built beside the test bundle, in the repository root.
enum ReidProcess {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static var executable: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("reid")
  }

  /// The result of a finished `reid` process.
  struct Result {
    var status: Int32
    var reason: Process.TerminationReason
    var output: String
    var errors: String
  }

  /// Starts `reid arguments` with the data root shared by all end-to-end tests.
  static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (
    Process, Pipe, Pipe
  ) {
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
      throw MissingTestInput(message: "reid is not built at \(executable.path); run make test")
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = repository
    var env = ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "enable=no"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    return (process, output, errors)
  }

  /// Runs `reid arguments` to completion.
  static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
    let (process, output, errors) = try start(arguments, environment: environment)
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, reason: process.terminationReason,
      output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
  }

  /// A fresh temporary folder removed after the test.
  static func temporaryFolder(_ test: XCTestCase, _ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(name)-\(UUID().uuidString)")
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
  }
}

/// A failure raised where a test cannot run at all.
struct MissingTestInput: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
