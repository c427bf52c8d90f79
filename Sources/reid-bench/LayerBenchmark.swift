import Kernels
import Layers
import TensorCore

/// Memory-bound layers in GB/s: bytes that must move (inputs read once, outputs written once)
/// over the median time.
struct LayerBenchmark {
  var budget: Double

  func report(_ name: String, bytes: Double, seconds: Double) {
    print(
      "| \(name) | \(Format.number(bytes / 1e6)) | \(Format.number(seconds * 1e3, 2)) | "
        + "\(Format.number(bytes / seconds * 1e-9)) |")
  }

  func run() {
    print("\n## Memory-bound layers, DenseNet block2 activations (8, 32, 16, 512)\n")
    print("| layer | MB moved | ms | GB/s |")
    print("|---|---:|---:|---:|")
    let shape: Shape = [8, 32, 16, 512]
    let x = Tensor(shape: shape) { Float($0 % 97) * 0.01 - 0.4 }
    let dy = Tensor(shape: shape) { Float($0 % 89) * 0.01 - 0.4 }
    let bytes = Double(shape.count * 4)
    let parameters = ParameterSlab()
    let buffers = ParameterSlab(hasGradients: false)
    let bn = BatchNorm2D("bn", parameters: parameters, buffers: buffers, channels: 512)
    var cache: BatchNorm2D.Cache?
    let forward = Timing.median(budget: budget) {
      let (_, c) = bn.forward(x, mode: .training, parameters: parameters, buffers: buffers)
      cache = c
    }
    report("batch norm forward (train)", bytes: 2 * bytes, seconds: forward)
    guard let cache else { return }
    var dx: Tensor? = Tensor(shape: shape)
    let backward = Timing.median(budget: budget) {
      bn.backward(dy, input: x, cache: cache, into: &dx, parameters: parameters)
    }
    report("batch norm backward (train)", bytes: 3 * bytes, seconds: backward)
  }
}
