import Foundation
import Kernels
import Layers
import Losses
import Models
import Optim
import TensorCore

/// Whole-model training steps (forward, batch-hard triplet loss on the embeddings, backward,
/// SGD update) in images per second, the achieved convolution GFLOPS, the ratio to raw sgemm, the
/// time spent inside sgemm, and where the time goes by layer kind. `scripts/bench_pytorch.py`
/// runs the same steps in PyTorch; `make bench-compare` prints ours ÷ PyTorch, and the bound
/// the sgemm time alone puts on that ratio.
struct ModelBenchmark {
  /// Timed steps per shape after one warm-up step.
  var steps: Int
  /// Architectures to run.
  var architectures: [String]
  /// (height, width, batch) shapes.
  var shapes: [(Int, Int, Int)]
  /// How many of the costliest sgemm shapes to list per model and shape (0: none).
  var sgemmShapes = 0

  /// The raw sgemm rate the figures are compared with (a square 2048 product).
  static func sgemmGFLOPS() -> Double {
    let n = 2048
    let a = ConvBenchmark.buffer(n * n, seed: 1)
    let b = ConvBenchmark.buffer(n * n, seed: 2)
    let c = ConvBenchmark.buffer(n * n, seed: 3)
    let seconds = Timing.median(budget: 0.5) {
      BLAS.sgemm(
        .none, .transposed, m: n, n: n, k: n, a: a.baseAddress, b: b.baseAddress,
        c: c.baseAddress)
    }
    return 2 * Double(n * n * n) / seconds * 1e-9
  }

  func run() throws {
    let peak = Self.sgemmGFLOPS()
    print(
      "\n## Whole-model training steps (triplet loss, SGD; raw sgemm \(Format.number(peak)) GFLOPS)\n"
    )
    print(
      "| model | input | batch | img/s | s/step | sgemm s/step | conv GFLOPS | ÷ sgemm "
        + "| time by kind |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    var results: [String] = []
    var gemmReports: [String] = []
    for name in architectures {
      for (h, w, n) in shapes {
        let (seconds, gflops, breakdown) = try step(name, height: h, width: w, batch: n)
        let rate = Double(n) / seconds
        let gemmSeconds = SGEMMProfile.shared.totalSeconds / Double(steps)
        print(
          "| \(name) | \(h)x\(w) | \(n) | \(Format.number(rate, 2)) | \(Format.number(seconds, 2)) | "
            + "\(Format.number(gemmSeconds, 2)) | \(Format.number(gflops)) | "
            + "\(Format.number(gflops / peak, 2)) | \(breakdown) |")
        // `SGEMM`: the mean seconds per step inside sgemm, which bounds how fast the step can
        // get without faster GEMMs (bench_pytorch.py --compare prints that bound).
        results.append("RESULT \(name) \(h)x\(w)x\(n) \(rate)")
        results.append("SGEMM \(name) \(h)x\(w)x\(n) \(gemmSeconds)")
        if sgemmShapes > 0 { gemmReports.append(gemmReport("\(name) \(h)x\(w)x\(n)")) }
      }
    }
    gemmReports.forEach { print($0) }
    print("")
    results.forEach { print($0) }
  }

  /// The costliest sgemm shapes of the timed steps just run, per step, as a Markdown table.
  func gemmReport(_ title: String) -> String {
    let entries = SGEMMProfile.shared.report
    let total = SGEMMProfile.shared.totalSeconds / Double(steps)
    var lines = [
      "\n### sgemm in \(title): \(Format.number(total, 3)) s per step\n",
      "| op(A) op(B) M x N x K | calls/step | ms/step | GFLOPS |", "|---|---:|---:|---:|",
    ]
    for entry in entries.prefix(sgemmShapes) {
      lines.append(
        "| \(entry.shape) | \(entry.calls / steps) | "
          + "\(Format.number(entry.seconds / Double(steps) * 1000, 1)) | "
          + "\(Format.number(entry.flops / entry.seconds * 1e-9)) |")
    }
    return lines.joined(separator: "\n")
  }

  /// A network in training mode: x (N, H, W, 3) -> embeddings (N, D) and the backward pass
  /// from their gradient. Backbones embed by global average pooling of their last map (as
  /// the baseline); CAN by its `can` readout, its parsing stream frozen (as the paper trains).
  struct Network {
    let slabs: ModelSlabs
    let forward: (Tensor) -> (embeddings: Tensor, backward: (Tensor) -> Void)

    init(_ architecture: ModelArchitecture) {
      let slabs = ModelSlabs()
      var stream = RandomStream(seed: 1, name: "init")
      self.slabs = slabs
      switch architecture {
      case .backbone(let spec):
        let backbone = Backbone(spec, slabs)
        backbone.initialize(slabs, using: &stream)
        forward = { x in
          let (f, cache) = backbone.features.forward(x, mode: .training, slabs)
          return (
            GlobalAvgPool2D().forward(f),
            { dEmbeddings in
              var df = Tensor(shape: f.shape)
              GlobalAvgPool2D().backward(dEmbeddings, into: &df)
              var none: Tensor? = nil
              backbone.features.backward(df, input: x, cache: cache, into: &none, slabs)
            }
          )
        }
      case .can(let config):
        let model = CANModel(config, slabs)
        model.initialize(slabs, using: &stream)
        forward = { x in
          let (output, cache) = model.forward(x, mode: .training, slabs)
          return (
            output.readouts[.can] ?? output.features,
            { model.backward([.can: $0], input: x, cache: cache, slabs) }
          )
        }
      }
    }
  }

  /// Median seconds per training step, conv GFLOPS and the per-kind breakdown.
  func step(_ name: String, height: Int, width: Int, batch: Int) throws -> (
    Double, Double, String
  ) {
    // As the trainer does: recycle the large activations of one step in the next. A fresh
    // pool per shape: blocks kept from the previous model's sizes would fill the capacity and
    // leave this one page-faulting (inception_v3 748x246 after densenet121 ran 1.4x slower).
    BufferPool.shared.enable(capacityBytes: BufferPool.trainingCapacityBytes)
    defer { BufferPool.shared.enable(capacityBytes: 0) }
    let network = Network(try ModelArchitecture(parsing: name))
    let slabs = network.slabs
    // A frozen parsing stream gets no update, as in the trainer.
    let groups = ParameterGroups(slab: slabs.parameters) {
      $0.name.hasPrefix("parsing.")
        ? ParameterMultipliers(learningRate: 0, weightDecay: 0) : ParameterMultipliers()
    }
    let optimizer = SGD(
      slab: slabs.parameters, options: .init(momentum: 0.9, weightDecay: 5e-4), groups: groups)
    let loss = BatchHardTripletLoss(margin: 0.1)
    var data = RandomStream(seed: 2, name: "data")
    var x = Tensor(shape: [batch, height, width, 3])
    data.fillNormal(&x)
    let labels = (0..<batch).map { $0 / 2 }
    let profiler = Profiler.shared
    var extra: [String: Double] = [:]
    func trainStep() {
      slabs.parameters.zeroGradients()
      let (embeddings, backward) = network.forward(x)
      let t0 = ContinuousClock.now
      let (_, lossCache) = loss.forward(embeddings: embeddings, labels: labels)
      var dEmbeddings = Tensor(shape: embeddings.shape)
      loss.backward(embeddings: embeddings, cache: lossCache, embeddingsGradient: &dEmbeddings)
      let t1 = ContinuousClock.now
      backward(dEmbeddings)
      let t2 = ContinuousClock.now
      optimizer.step(lr: 0.01)
      let t3 = ContinuousClock.now
      if profiler.enabled {
        extra["loss", default: 0] += Self.seconds(t1 - t0)
        extra["update", default: 0] += Self.seconds(t3 - t2)
      }
    }
    trainStep()
    profiler.reset()
    profiler.enabled = true
    // Always on: recording costs a lock per call (about a microsecond; thousands of calls in
    // a step of seconds).
    SGEMMProfile.shared.reset()
    SGEMMProfile.shared.enabled = true
    defer { SGEMMProfile.shared.enabled = false }
    var samples: [Double] = []
    for _ in 0..<steps {
      let t = ContinuousClock.now
      trainStep()
      samples.append(Self.seconds(ContinuousClock.now - t))
    }
    profiler.enabled = false
    samples.sort()
    let median = samples[samples.count / 2]
    let total = samples.reduce(0, +)
    let flops = profiler.convFLOPs / Double(steps)
    var parts = profiler.seconds.map { ($0.key.rawValue, $0.value) } + extra.map { ($0, $1) }
    let measured = parts.reduce(0) { $0 + $1.1 }
    parts.append(("other", max(0, total - measured)))
    let breakdown = parts.sorted { $0.1 > $1.1 }
      .map { "\($0.0) \(Format.number(100 * $0.1 / total, 0))%" }.joined(separator: ", ")
    return (median, flops / median * 1e-9, breakdown)
  }

  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }
}
