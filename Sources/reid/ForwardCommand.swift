import ArgumentParser
import Checkpoint
import Kernels
import Models
import ReIDCommandLine
import TensorCore

/// `reid forward`: eval-mode inference of a model on a batch of images from HDF5.
struct ForwardCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "forward",
    abstract: "Run a model in eval mode on input (N, 3, H, W) and write its feature map.",
    discussion: """
      The input file holds dataset `input`, float32 (N, 3, H, W), RGB, already normalized. The
      output gets `features` (N, C, h, w), the backbone's last feature map, and for CAN one
      dataset per readout (N, D): s1 ... s6, can, can-6, canpt, baseline.
      """)

  @Option(
    help: "densenet121, inception_v3 (with -dilated, -w<width>, -d<depth>), can, can:<backbone>.")
  var arch: String

  @Option(help: "Weights (HDF5, from a checkpoint or scripts/convert_torchvision.py).")
  var weights: String

  @Option(help: "Input HDF5 file with dataset `input`.")
  var input: String

  @Option(help: "Output HDF5 file.")
  var output: String

  @Option(help: "Images per forward pass.")
  var batchSize = 16

  @OptionGroup var blas: BLASOptions

  func run() throws {
    try blas.apply()
    let architecture = try ModelArchitecture(parsing: arch)
    let model = architecture.instantiate()
    try WeightsFile.load(model.slabs, from: weights)
    let images = try HDF5File.open(input).readTensor("input")
    guard images.shape.rank == 4, images.shape[1] == 3 else {
      throw ValidationError("\(input): dataset input is \(images.shape), expected (N, 3, H, W)")
    }
    let n = images.shape[0]
    var features: [Tensor] = []
    var readouts: [Readout: [Tensor]] = [:]
    for start in stride(from: 0, to: n, by: max(1, batchSize)) {
      let count = min(max(1, batchSize), n - start)
      let batch = Layout.nchwToNHWC(images, first: start, count: count)
      let result = model.inference(batch)
      features.append(Layout.nhwcToNCHW(result.features))
      for (readout, value) in result.readouts { readouts[readout, default: []].append(value) }
    }
    let stacked = Layout.stack(features)
    try HDF5File.writeAtomically(to: output) { file in
      try file.setAttribute("architecture", architecture.description)
      try file.write(stacked, to: "features")
      for readout in Readout.allCases {
        guard let parts = readouts[readout] else { continue }
        try file.write(Layout.stack(parts), to: readout.rawValue)
      }
    }
    print("\(output): features \(stacked.shape), readouts \(readouts.count)")
  }
}
