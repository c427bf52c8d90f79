import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One line of progress on standard error: redrawn in place on a terminal (at most a few
/// times a second), printed as plain lines when asked to otherwise (CI and Slurm logs).
public final class ProgressLine {
  /// Whether standard error is a terminal (so the line can be redrawn).
  public let interactive: Bool
  private let write: (String) -> Void
  private let minimumInterval: TimeInterval
  private var lastDraw: Date?
  private var drawn = false

  /// A progress line; `write` receives the exact text (tests pass a recorder).
  public init(
    interactive: Bool = isatty(2) != 0, minimumInterval: TimeInterval = 0.2,
    write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
  ) {
    self.interactive = interactive
    self.minimumInterval = minimumInterval
    self.write = write
  }

  /// On a terminal, redraws the line with `text` (unless it was drawn less than the minimum
  /// interval ago and `force` is false); otherwise does nothing.
  public func redraw(_ text: String, force: Bool = false) {
    guard interactive else { return }
    let now = Date()
    if !force, let lastDraw, now.timeIntervalSince(lastDraw) < minimumInterval { return }
    lastDraw = now
    drawn = true
    write("\r\u{1B}[K" + text)
  }

  /// A line of its own: on a terminal it replaces the progress line, which is drawn again
  /// at the next redraw.
  public func print(_ text: String) {
    write((interactive && drawn ? "\r\u{1B}[K" : "") + text + "\n")
    drawn = false
  }

  /// Ends the progress line on a terminal (a newline after the last redraw).
  public func finish() {
    guard interactive, drawn else { return }
    write("\n")
    drawn = false
  }

  /// `1h02m`, `3m05s`, `42s`; `?` when unknown.
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    return s >= 3600
      ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60)
      : s >= 60 ? String(format: "%dm%02ds", s / 60, s % 60) : "\(s)s"
  }
}
