import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A run's training log: `metrics.jsonl` (one JSON object per logging step, always) and a
/// progress line on standard error (redrawn in place on a terminal).
final class RunLog {
  let metricsURL: URL
  let totalSteps: Int
  let interactive = isatty(2) != 0
  private var handle: FileHandle?
  private var lastTime = Date()
  private var lastStep = 0

  /// A log appending to `metricsURL`; lines after `resumedStep` (from a run that went further
  /// than its last checkpoint) are dropped so the file matches the resumed run.
  init(metricsURL: URL, totalSteps: Int, resumedStep: Int) throws {
    self.metricsURL = metricsURL
    self.totalSteps = totalSteps
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
    lastStep = resumedStep
  }

  /// Records the metrics of `step` and redraws the progress line.
  func record(step: Int, metrics: [String: Double]) {
    let now = Date()
    let seconds = now.timeIntervalSince(lastTime)
    let imagesPerSecond = (metrics["images"] ?? 0) * Double(step - lastStep) / max(seconds, 1e-9)
    lastTime = now
    lastStep = step
    var object = metrics.filter { $0.key != "images" }
    object["step"] = Double(step)
    object["img_per_s"] = (imagesPerSecond * 100).rounded() / 100
    let fields = object.keys.sorted().map { key -> String in
      let value = object[key] ?? 0
      return key == "step" ? "\"step\":\(step)" : "\"\(key)\":\(value)"
    }
    handle?.write(Data(("{" + fields.joined(separator: ",") + "}\n").utf8))
    let remaining =
      Double(totalSteps - step) / max(imagesPerSecond / (metrics["images"] ?? 1), 1e-9)
    let line = String(
      format: "step %d/%d  loss %.4f  %.1f img/s  ETA %@", step, totalSteps,
      metrics["loss"] ?? 0, imagesPerSecond, Self.duration(remaining))
    if interactive {
      FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
      if step == totalSteps { FileHandle.standardError.write(Data("\n".utf8)) }
    } else {
      FileHandle.standardError.write(Data((line + "\n").utf8))
    }
  }

  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
  }

  func close() { try? handle?.close() }
}
