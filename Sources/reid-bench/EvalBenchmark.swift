import Foundation
import Kernels
import ReIDEval
import TensorCore

/// Evaluation at full Market-1501 size (3,368 queries, 15,913 gallery items) with random
/// features of dimension 6,144: the time and peak RSS of each phase in this process, then the
/// whole `reid eval` command from the feature file in a child process, against the goal of
/// 30 s and 1.5 GiB with re-ranking. Optionally the numpy reference runs beside.
///
/// Peak RSS per phase: VmHWM is reset before each phase (`/proc/self/clear_refs`), so each
/// figure is the most memory resident during that phase, including what earlier phases left
/// (the features); "growth" is that peak minus the RSS when the phase began.
struct EvalBenchmark {
  var threads: Int
  var reference: Bool
  var queries = 3368
  var gallery = 15913
  var dimension = 6144

  struct Phase {
    var name: String
    var seconds: Double
    var peak: Int
    var growth: Int
  }

  static func mib(_ bytes: Int) -> String { Format.number(Double(bytes) / 1_048_576, 0) }

  /// Times `body` and records its peak RSS.
  func measure<R>(_ name: String, into phases: inout [Phase], _ body: () throws -> R) rethrows
    -> R
  {
    let resetWorks = ProcessMemory.resetPeak()
    let start = ProcessMemory.current()
    let t0 = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
    let peak = ProcessMemory.current().peak
    phases.append(
      Phase(
        name: name + (resetWorks ? "" : " (cumulative peak)"), seconds: seconds, peak: peak,
        growth: peak - start.rss))
    return result
  }

  /// Random features around identity centres: Market's 750 test identities, distractors
  /// (pid 0) in the gallery, six cameras. Noise dominates, so ranking is far from perfect.
  func synthesize(path: String) throws {
    var stream = RandomStream(seed: 2024, name: "eval-bench")
    let identities = 750
    var centres = [Float](repeating: 0, count: (identities + 1) * dimension)
    for i in dimension..<centres.count { centres[i] = stream.nextUniform(-0.2, 0.2) }
    func split(_ count: Int, distractors: Int) -> FeatureSplit {
      var pids = [Int64](repeating: 0, count: count)
      var camids = [Int64](repeating: 0, count: count)
      var features = Tensor(shape: Shape([count, dimension]))
      features.withUnsafeMutableBufferPointer { f in
        for n in 0..<count {
          pids[n] = n < distractors ? 0 : Int64(1 + stream.nextInt(below: identities))
          camids[n] = Int64(1 + stream.nextInt(below: 6))
          let centre = Int(pids[n]) * dimension
          for k in 0..<dimension {
            f[n * dimension + k] = centres[centre + k] + stream.nextUniform(-1, 1)
          }
        }
      }
      return FeatureSplit(features: features, labels: IdentityLabels(pids: pids, camids: camids))
    }
    let file = FeatureFile(
      query: split(queries, distractors: 0), gallery: split(gallery, distractors: 2798))
    try file.write(to: path)
  }

  func run() throws {
    print(
      "\n## Evaluation at Market-1501 size (\(queries) queries x \(gallery) gallery, "
        + "D \(dimension), \(threads) threads)\n")
    let directory = FileManager.default.temporaryDirectory.path
    let path = directory + "/reid-bench-eval-\(getpid()).h5"
    let rerankedPath = directory + "/reid-bench-eval-\(getpid()).f32"
    defer {
      try? FileManager.default.removeItem(atPath: path)
      try? FileManager.default.removeItem(atPath: rerankedPath)
    }
    var phases: [Phase] = []
    try measure("synthesize and write the feature file", into: &phases) {
      try synthesize(path: path)
    }
    let file = try measure("read the feature file", into: &phases) {
      try FeatureFile.read(from: path)
    }
    var distances: Tensor? = measure("query-gallery distances (sgemm)", into: &phases) {
      EuclideanDistance.matrix(
        query: file.query.features, gallery: file.gallery.features, threads: threads)
    }
    let plain = try measure("CMC and mAP", into: &phases) {
      try Evaluation.evaluate(
        distances: distances ?? Tensor(shape: [0]), query: file.query.labels,
        gallery: file.gallery.labels, threads: threads)
    }
    distances = nil
    let (reranked, report) = try measure(
      "re-ranking from features (all distances included)", into: &phases
    ) {
      try ReRanking.rerankWithReport(
        query: file.query.features, gallery: file.gallery.features, threads: threads)
    }
    let rerankedResult = try measure("CMC and mAP of the re-ranked distances", into: &phases) {
      try Evaluation.evaluate(
        distances: reranked, query: file.query.labels, gallery: file.gallery.labels,
        threads: threads)
    }
    print("| phase (in process) | seconds | peak RSS MiB | growth MiB |")
    print("|---|---:|---:|---:|")
    for p in phases {
      print(
        "| \(p.name) | \(Format.number(p.seconds, 2)) | \(Self.mib(p.peak)) | "
          + "\(Self.mib(p.growth)) |")
    }
    let stages = report.stages.map { "\($0.name) \(Format.number($0.seconds, 2)) s" }
    print("\nre-ranking stages: " + stages.joined(separator: ", "))
    print(
      "(\(report.vectorEntries) vector entries, \(report.recomputedRows) rows recomputed)")
    print(
      "\nrank-1 \(plain.rank(1)), mAP \(plain.mAP); re-ranked: rank-1 \(rerankedResult.rank(1)), "
        + "mAP \(rerankedResult.mAP)")
    endToEnd(path: path)
    if reference {
      _ = reranked.withUnsafeBufferPointer { buffer in
        FileManager.default.createFile(atPath: rerankedPath, contents: Data(buffer: buffer))
      }
      runReference(path: path, compare: rerankedPath, ours: rerankedResult)
    }
  }

  /// `reid eval` from the feature file in a child process: wall time and peak RSS.
  func endToEnd(path: String) {
    let reid = URL(fileURLWithPath: Self.executablePath()).deletingLastPathComponent()
      .appendingPathComponent("reid").path
    guard FileManager.default.isExecutableFile(atPath: reid) else {
      print("\n(no reid executable beside reid-bench: run `swift build -c release` first)")
      return
    }
    print("\n| whole command (child process) | seconds | peak RSS MiB | goal |")
    print("|---|---:|---:|---|")
    let output = path + ".json"
    defer { try? FileManager.default.removeItem(atPath: output) }
    for rerank in [false, true] {
      var arguments = [reid, "eval", "--features", path, "--json", "--threads", "\(threads)"]
      if rerank { arguments.append("--rerank") }
      let run = ProcessMemory.runChild(arguments, output: output)
      let met = run.status == 0 && run.seconds <= 30 && run.peak <= 1536 * 1_048_576
      print(
        "| reid eval\(rerank ? " --rerank" : "") --json | \(Format.number(run.seconds, 2)) | "
          + "\(Self.mib(run.peak)) | "
          + (rerank ? (met ? "met (<= 30 s, <= 1.5 GiB)" : "MISSED (30 s, 1.5 GiB)") : "")
          + (run.status == 0 ? "" : " exit status \(run.status)") + " |")
    }
  }

  /// The numpy reference on the same file, if python3 with numpy and h5py is present.
  func runReference(path: String, compare: String, ours: EvaluationResult) {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../scripts/eval_reference.py").standardized.path
    let output = path + ".reference.json"
    defer { try? FileManager.default.removeItem(atPath: output) }
    setenv("OPENBLAS_NUM_THREADS", "\(threads)", 1)
    let run = ProcessMemory.runChild(
      ["/usr/bin/env", "python3", script, path, "--rerank", "--compare", compare], output: output)
    guard run.status == 0, let data = FileManager.default.contents(atPath: output),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let phases = json["phases"] as? [String: [String: Double]]
    else {
      print("\n(reference not run: python3 with numpy and h5py is needed; status \(run.status))")
      return
    }
    print("\n| numpy reference phase | seconds | peak RSS MiB |")
    print("|---|---:|---:|")
    for (name, figures) in phases.sorted(by: {
      ($0.value["seconds"] ?? 0) < ($1.value["seconds"] ?? 0)
    }) {
      print(
        "| \(name) | \(Format.number(figures["seconds"] ?? 0, 2)) | "
          + "\(Self.mib(Int(figures["peak_rss"] ?? 0))) |")
    }
    print(
      "| whole reference process | \(Format.number(run.seconds, 2)) | \(Self.mib(run.peak)) |")
    print(
      "\nreference re-ranked: rank-1 \(json["rank1"] ?? "?"), mAP \(json["mAP"] ?? "?") "
        + "(ours \(ours.rank(1)), \(ours.mAP)); largest |difference| of re-ranked distances "
        + "\(json["max_abs_difference"] ?? "?"), bit-identical fraction "
        + "\(json["identical_fraction"] ?? "?")")
  }

  /// This executable's path.
  static func executablePath() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments[0]
  }
}
