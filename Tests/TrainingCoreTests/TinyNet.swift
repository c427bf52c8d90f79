import Kernels
import Layers
import Losses
import Optim
import TensorCore

/// A small conv net trained with the batch-hard triplet loss: the whole training core in
/// one loop (layers, loss, optimizer, RNG streams), small enough for bitwise comparisons.
///
/// x (N, 8, 6, 3) -> conv 3x3/2 -> BN -> conv 1x1 (+bias) -> flatten -> linear -> (N, 16).
final class TinyNet {
  let parameters = ParameterSlab()
  let buffers = ParameterSlab(hasGradients: false)
  let conv1: Conv2D
  let bn1: BatchNorm2D
  let conv2: Conv2D
  let fc: Linear
  let optimizer: SGD
  var streams: RandomStreams
  var step = 0
  let loss = BatchHardTripletLoss(margin: 0.3)
  let schedule = LearningRateSchedule(baseLR: 0.05, decay: .constant)

  init(seed: UInt64) {
    conv1 = Conv2D(
      "conv1", in: parameters, inputChannels: 3, outputChannels: 8, kernel: (3, 3),
      stride: (2, 2), padding: (1, 1))
    bn1 = BatchNorm2D("bn1", parameters: parameters, buffers: buffers, channels: 8)
    conv2 = Conv2D(
      "conv2", in: parameters, inputChannels: 8, outputChannels: 4, kernel: (1, 1), bias: true)
    fc = Linear("fc", in: parameters, inputFeatures: 4 * 4 * 3, outputFeatures: 16)
    streams = RandomStreams(seed: seed)
    var initStream = streams["init"]
    conv1.resetParameters(parameters, using: &initStream)
    conv2.resetParameters(parameters, using: &initStream)
    fc.resetParameters(parameters, using: &initStream)
    streams["init"] = initStream
    optimizer = SGD(
      slab: parameters, options: .init(momentum: 0.9, weightDecay: 5e-4, nesterov: true))
  }

  /// One batch of 4 identities x 2 images drawn from the `data` stream.
  func nextBatch() -> (Tensor, [Int]) {
    var data = streams["data"]
    var x = Tensor(shape: [8, 8, 6, 3])
    data.fillNormal(&x)
    let identities = data.permutation(10).prefix(4)
    streams["data"] = data
    return (x, identities.flatMap { [$0, $0] })
  }

  /// One training step; returns the loss.
  @discardableResult
  func trainStep() -> Float {
    let (x, labels) = nextBatch()
    let h1 = conv1.forward(x, parameters)
    let (h2, bnCache) = bn1.forward(h1, mode: .training, parameters: parameters, buffers: buffers)
    let h3 = conv2.forward(h2, parameters)
    let flat = h3.reshaped([8, 4 * 4 * 3])
    let embeddings = fc.forward(flat, parameters)
    let (value, cache) = loss.forward(embeddings: embeddings, labels: labels)

    parameters.zeroGradients()
    var dEmbeddings = Tensor(shape: embeddings.shape)
    loss.backward(embeddings: embeddings, cache: cache, embeddingsGradient: &dEmbeddings)
    var dFlat: Tensor? = Tensor(shape: flat.shape)
    fc.backward(flat, outputGradient: dEmbeddings, inputGradient: &dFlat, parameters)
    var dh2: Tensor? = Tensor(shape: h2.shape)
    conv2.backward(
      h2, outputGradient: dFlat?.reshaped(h3.shape) ?? h3, inputGradient: &dh2, parameters)
    var dh1: Tensor? = Tensor(shape: h1.shape)
    bn1.backward(
      h1, outputGradient: dh2 ?? h2, cache: bnCache, inputGradient: &dh1, parameters: parameters)
    var none: Tensor? = nil
    conv1.backward(x, outputGradient: dh1 ?? h1, inputGradient: &none, parameters)
    optimizer.step(lr: schedule.lr(at: step))
    step += 1
    return value
  }

  /// Every parameter, buffer and optimizer slot value, as bits.
  var stateBits: [UInt32] {
    var bits = parameters.allValues.map(\.bitPattern) + buffers.allValues.map(\.bitPattern)
    for name in optimizer.slotNames {
      bits += (optimizer.slot(name).map { Array($0) } ?? []).map(\.bitPattern)
    }
    return bits
  }
}
