import Foundation
import Layers
import Losses
import Models
import TensorCore

#if canImport(Glibc)
  import Glibc
#endif

/// Times real training steps of a run's network on random inputs of its configured size,
/// without its data, to estimate what a whole run costs on this machine.
public enum StepTimer {
  /// Seconds per training step (the mean of `steps` after one warm-up step), seconds per
  /// image of inference, the process's peak resident memory in bytes, and what one step
  /// exchanges between its shards (`train.shards`, all computed here).
  public struct Estimate: Sendable {
    public var secondsPerStep: Double
    public var secondsPerInferenceImage: Double
    public var peakBytes: Int
    public var communication: CommunicationTally
  }

  /// Measures `run`'s network, its steps sharded as the trainer shards them.
  public static func measure(_ run: ResolvedRun, steps: Int = 2) throws -> Estimate {
    BufferPool.shared.enable(capacityBytes: BufferPool.trainingCapacityBytes)
    defer { BufferPool.shared.enable(capacityBytes: 0) }
    let config = run.config
    let slabs = ModelSlabs()
    var random = RandomStream(seed: config.seed, name: "plan")
    let parsing = config.train.task == "parsing"
    let batch =
      parsing
      ? config.data.parsingBatch : config.data.identitiesPerBatch * config.data.imagesPerIdentity
    var x = Tensor(shape: [batch, config.data.height, config.data.width, 3])
    random.fillNormal(&x)
    let labels = (0..<batch).map { $0 / max(1, config.data.imagesPerIdentity) }
    let frozen = config.model.parsingTrainable || parsing ? [] : ["parsing."]
    let exchange = LocalShardExchange(shards: config.train.shards)
    let gradients: () throws -> Void
    let infer: () -> Void
    if parsing {
      let stream = try ReIDNetwork.parsingStream(config.model, slabs)
      stream.initialize(slabs, using: &random)
      let loss = PixelCrossEntropy()
      gradients = {
        let (logits, cache) = stream.network.forward(x, mode: .training, slabs)
        let classes = [Int](repeating: 0, count: logits.count / logits.shape[3]).indices.map {
          $0 % 20
        }
        let (_, lossCache) = loss.forward(logits: logits, labels: classes)
        var gradient = Tensor(shape: logits.shape)
        loss.backward(logits: logits, cache: lossCache, logitsGradient: &gradient)
        var none: Tensor? = nil
        stream.network.backward(gradient, input: x, cache: cache, into: &none, slabs)
      }
      infer = { _ = stream.network.forward(x, mode: .inference, slabs) }
    } else {
      let network = try ReIDNetwork.make(config.model, slabs)
      network.initialize(slabs, using: &random)
      let readout = try ReIDNetwork.readout(config.model.descriptor)
      let loss = BatchHardTripletLoss(margin: config.train.margin)
      gradients = {
        let (readouts, cache) = network.forward(x, mode: .training, slabs)
        guard let local = readouts[readout] else { return }
        let embeddings = Trainer.gatherRows(local, batchRows: batch)
        let (_, lossCache) = loss.forward(embeddings: embeddings, labels: labels)
        var gradient = Tensor(shape: embeddings.shape)
        loss.backward(embeddings: embeddings, cache: lossCache, embeddingsGradient: &gradient)
        network.backward(gradient, readout: readout, input: x, cache: cache, slabs)
      }
      infer = { _ = network.forward(x, mode: .inference, slabs) }
    }
    // The trainer's step (`Trainer.optimize`): gradients per shard into their banks, summed in
    // shard order, then the update.
    let optimizer = try OptimizerFactory.make(
      config.train, parameters: slabs.parameters, frozenPrefixes: frozen)
    if exchange.plan.shards > 1 { slabs.parameters.setGradientBankCount(exchange.plan.shards) }
    defer { slabs.parameters.setGradientBankCount(1) }
    let spans = Trainer.gradientSpans(slabs.parameters, frozenPrefixes: frozen)
    let step = {
      slabs.parameters.zeroGradients()
      _ = exchange.maximum(0)
      try BatchShards.with(exchange) { try gradients() }
      Trainer.sumGradients(slabs.parameters, over: exchange, spans: spans)
      optimizer.step(lr: 1e-4)
    }
    try step()
    let start = Date()
    let exchanged = CommunicationMeter.tally
    for _ in 0..<steps { try step() }
    let perStep = Date().timeIntervalSince(start) / Double(steps)
    let communication = (CommunicationMeter.tally - exchanged).perStep(steps)
    let inferenceStart = Date()
    infer()
    let perImage = Date().timeIntervalSince(inferenceStart) / Double(batch)
    return Estimate(
      secondsPerStep: perStep, secondsPerInferenceImage: perImage, peakBytes: peakResidentBytes(),
      communication: communication)
  }

  /// VmHWM of this process.
  static func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return 0
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return (Int(line.filter(\.isNumber)) ?? 0) * 1024
    }
    return 0
  }
}
