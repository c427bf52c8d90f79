import Kernels
import Layers
import TensorCore

/// Memory-bound layers in GB/s: the bytes that must move (each input read once, each output
/// written or read-modified once) over the median time, on DenseNet block-2 activations.
struct LayerBenchmark {
  var budget: Double

  func report(_ name: String, bytes: Double, seconds: Double) {
    print(
      "| \(name) | \(Format.number(bytes / 1e6)) | \(Format.number(seconds * 1e3, 2)) | "
        + "\(Format.number(bytes / seconds * 1e-9)) |")
  }

  func run() {
    let shape: Shape = [8, 32, 16, 512]
    print("\n## Memory-bound layers on \(shape) activations (NHWC)\n")
    print("| layer | MB moved | ms | GB/s |")
    print("|---|---:|---:|---:|")
    let x = Tensor(shape: shape) { Float($0 % 97) * 0.01 - 0.4 }
    let dy = Tensor(shape: shape) { Float($0 % 89) * 0.01 - 0.4 }
    let bytes = Double(shape.count * 4)
    batchNorm(x, dy, bytes)
    relu(x, dy, bytes)
    concat(x, bytes)
  }

  func batchNorm(_ x: Tensor, _ dy: Tensor, _ bytes: Double) {
    let parameters = ParameterSlab()
    let buffers = ParameterSlab(hasGradients: false)
    let bn = BatchNorm2D("bn", parameters: parameters, buffers: buffers, channels: x.shape[3])
    var cache: BatchNorm2D.Cache?
    let forward = Timing.median(budget: budget) {
      cache = bn.forward(x, mode: .training, parameters: parameters, buffers: buffers).cache
    }
    report("batch norm forward (train): read x, write y", bytes: 2 * bytes, seconds: forward)
    guard let cache else { return }
    var dx: Tensor? = Tensor(shape: x.shape)
    let backward = Timing.median(budget: budget) {
      bn.backward(dy, input: x, cache: cache, into: &dx, parameters: parameters)
    }
    report(
      "batch norm backward (train): read x, dy, dx; write dx", bytes: 4 * bytes, seconds: backward)
  }

  func relu(_ x: Tensor, _ dy: Tensor, _ bytes: Double) {
    let relu = ReLU()
    var y = x
    let forward = Timing.median(budget: budget) { y = relu.forward(x) }
    report("ReLU forward: read x, write y", bytes: 2 * bytes, seconds: forward)
    var dx = Tensor(shape: x.shape)
    let backward = Timing.median(budget: budget) { relu.backward(dy, output: y, into: &dx) }
    report("ReLU backward: read y, dy, dx; write dx", bytes: 4 * bytes, seconds: backward)
  }

  func concat(_ x: Tensor, _ bytes: Double) {
    let concat = ChannelConcat()
    // DenseNet's pattern: the running features plus one layer's 32 new channels.
    let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
    let growth = Tensor(shape: [n, h, w, 32], repeating: 1)
    var y = x
    let forward = Timing.median(budget: budget) { y = concat.forward([x, growth]) }
    let moved = 2 * Double(y.count * 4)
    report("concat 512 + 32 channels: read inputs, write y", bytes: moved, seconds: forward)
    var dxs = [Tensor(shape: x.shape), Tensor(shape: growth.shape)]
    let backward = Timing.median(budget: budget) { concat.backward(y, into: &dxs) }
    report("concat backward: read dy, dxs; write dxs", bytes: 1.5 * moved, seconds: backward)
  }
}
