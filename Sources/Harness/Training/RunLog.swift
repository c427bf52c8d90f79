import Foundation

/// A run's training log: `metrics.jsonl` (one JSON object per logging step, always) and its
/// progress on standard error: a line redrawn after every step on a terminal, a plain line
/// per logging step otherwise.
public final class RunLog {
  let metricsURL: URL
  let label: String
  let totalSteps: Int
  let progress: ProgressLine
  private var handle: FileHandle?
  /// When this process started (or resumed) the run, and at which step.
  private let started = Date()
  private let startStep: Int
  /// Images of the steps since then (for img/s and the ETA).
  private var images = 0.0
  private var stepsDone = 0
  /// The previous logging step and when it was logged.
  private var lastLoggedStep: Int
  private var lastLoggedTime = Date()

  /// A log appending to `metricsURL`; lines after `resumedStep` (from a run that went further
  /// than its last checkpoint) are dropped so the file matches the resumed run.
  public init(
    metricsURL: URL, label: String, totalSteps: Int, resumedStep: Int,
    progress: ProgressLine = ProgressLine()
  ) throws {
    self.metricsURL = metricsURL
    self.label = label
    self.totalSteps = totalSteps
    self.progress = progress
    startStep = resumedStep
    lastLoggedStep = resumedStep
    let manager = FileManager.default
    var kept = ""
    if let text = try? String(contentsOf: metricsURL, encoding: .utf8) {
      for line in text.split(separator: "\n") {
        if let data = line.data(using: .utf8),
          let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let step = object["step"] as? Int, step <= resumedStep
        {
          kept += line + "\n"
        }
      }
    }
    try kept.write(to: metricsURL, atomically: true, encoding: .utf8)
    guard manager.fileExists(atPath: metricsURL.path) else { return }
    handle = try FileHandle(forWritingTo: metricsURL)
    try handle?.seekToEnd()
  }

  /// Takes the results of `step` (1-based, the steps done) of `images` images: redraws the
  /// progress line, and on a logging step appends `metrics` to `metrics.jsonl` (and prints
  /// the line when not on a terminal).
  public func step(_ step: Int, images batchImages: Int, metrics: [String: Double], logging: Bool) {
    images += Double(batchImages)
    stepsDone = step - startStep
    let elapsed = Date().timeIntervalSince(started)
    let imagesPerSecond = images / max(elapsed, 1e-9)
    let text = line(
      step: step, metrics: metrics, imagesPerSecond: imagesPerSecond, elapsed: elapsed)
    if logging {
      // img/s over the steps since the previous logging step, as metrics.jsonl always had it.
      let now = Date()
      let windowRate =
        Double(batchImages) * Double(step - lastLoggedStep)
        / max(now.timeIntervalSince(lastLoggedTime), 1e-9)
      lastLoggedStep = step
      lastLoggedTime = now
      var object = metrics
      object["step"] = Double(step)
      object["img_per_s"] = (windowRate * 100).rounded() / 100
      let fields = object.keys.sorted().map { key -> String in
        key == "step" ? "\"step\":\(step)" : "\"\(key)\":\(object[key] ?? 0)"
      }
      handle?.write(Data(("{" + fields.joined(separator: ",") + "}\n").utf8))
      if !progress.interactive { progress.print(text) }
    }
    progress.redraw(text, force: step == totalSteps)
    if step == totalSteps { progress.finish() }
  }

  /// `can-inception/seed2  step 120/800  14.2 img/s  loss 0.4817  lr 2.00e-03  elapsed 1m05s
  /// ETA 8m10s`
  func line(step: Int, metrics: [String: Double], imagesPerSecond: Double, elapsed: Double)
    -> String
  {
    let remaining =
      stepsDone > 0 ? elapsed / Double(stepsDone) * Double(totalSteps - step) : Double.nan
    var text = String(
      format: "%@  step %d/%d  %.1f img/s  loss %.4f", label, step, totalSteps, imagesPerSecond,
      metrics["loss"] ?? .nan)
    if let lr = metrics["lr"] { text += String(format: "  lr %.2e", lr) }
    return text
      + "  elapsed \(ProgressLine.duration(elapsed))  ETA \(ProgressLine.duration(remaining))"
  }

  /// Ends the progress line and closes `metrics.jsonl`.
  public func close() {
    progress.finish()
    try? handle?.close()
  }
}
