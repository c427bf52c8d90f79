import Kernels
import Layers
import Losses
import Optim
import TensorCore

/// A small conv net trained with the batch-hard triplet loss: the whole training core in
/// one loop (layers, loss, optimizer, RNG streams), small enough for bitwise comparisons.
///
/// x (N, 8, 6, 3) -> conv 3x3/2 -> BN -> ReLU -> conv 1x1 (+bias) -> dropout -> flatten
/// -> linear -> (N, 16).
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
  let relu = ReLU()
  let dropout = Dropout(probability: 0.2)
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
    let h2r = relu.forward(h2)
    let h3 = conv2.forward(h2r, parameters)
    var dropoutStream = streams["dropout"]
    let (h4, dropoutCache) = dropout.forward(h3, mode: .training, random: &dropoutStream)
    streams["dropout"] = dropoutStream
    let flat = h4.reshaped([8, 4 * 4 * 3])
    let embeddings = fc.forward(flat, parameters)
    let (value, cache) = loss.forward(embeddings: embeddings, labels: labels)

    parameters.zeroGradients()
    var dEmbeddings = Tensor(shape: embeddings.shape)
    loss.backward(embeddings: embeddings, cache: cache, embeddingsGradient: &dEmbeddings)
    var dFlat: Tensor? = Tensor(shape: flat.shape)
    fc.backward(dEmbeddings, input: flat, into: &dFlat, parameters)
    var dh3 = Tensor(shape: h3.shape)
    dropout.backward(dFlat?.reshaped(h4.shape) ?? h4, cache: dropoutCache, into: &dh3)
    var dh2r: Tensor? = Tensor(shape: h2r.shape)
    conv2.backward(dh3, input: h2r, into: &dh2r, parameters)
    var dh2 = Tensor(shape: h2.shape)
    relu.backward(dh2r ?? h2r, output: h2r, into: &dh2)
    var dh1: Tensor? = Tensor(shape: h1.shape)
    bn1.backward(dh2, input: h1, cache: bnCache, into: &dh1, parameters: parameters)
    var none: Tensor? = nil
    conv1.backward(dh1 ?? h1, input: x, into: &none, parameters)
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
