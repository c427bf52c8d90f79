import ArgumentParser
import Kernels
import ReIDCommandLine

extension DirectConvolution.ISA: ExpressibleByArgument {}

/// `make bench`: the training core's speed, each figure beside raw sgemm measured in the
/// same run, and evaluation at full Market-1501 size.
@main
struct ReIDBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reid-bench", abstract: "Benchmark the training core against raw sgemm.")

  @OptionGroup var blas: BLASOptions

  @Option(help: "Seconds spent timing each measurement.")
  var budget = 0.3

  @Option(
    help:
      "Sections to run: peak, threads, direct, pointwise, blas, conv, layers, models, data, eval (comma-separated)."
  )
  var only = "peak,threads,direct,pointwise,blas,conv,layers,models,data,eval"

  @Option(help: "Timed training steps per model and shape (models section; the median is quoted).")
  var modelSteps = 3

  @Option(
    help: """
      Models section: architectures as reid forward names them (comma-separated); can is the \
      CAN model on Inception-V3, trained on its can readout with the parsing stream frozen.
      """)
  var models = "densenet121,inception_v3,can"

  @Option(help: "Models section: shapes HxWxN (comma-separated).")
  var modelShapes = "256x128x8,748x246x13"

  @Option(help: "Models section: also list the N sgemm shapes that took the most time.")
  var sgemmShapes = 0

  @Flag(help: "Run the numpy reference evaluator beside the eval section (python3, h5py).")
  var evalReference = false

  @Option(help: "im2col chunk budget in scalars (default: the library's).")
  var columnBudget: Int?

  @Option(help: "Threads gathering im2col columns.")
  var im2colThreads = 1

  @Option(help: "Only conv shapes whose name contains this.")
  var filter: String?

  @Option(
    help: """
      Direct and pointwise sections: the direct kernels' instruction set (default: the widest \
      this CPU runs). avx2 on an AVX-512 machine stands in for an AVX2-only CPU.
      """)
  var isa: DirectConvolution.ISA?

  @Flag(help: "Conv section: skip the NCHW per-image alternative.")
  var noNCHW = false

  func run() throws {
    try blas.apply()
    if let columnBudget { Convolution.columnBudget = columnBudget }
    let kernels = isa ?? .best
    guard kernels.isSupported else {
      throw ValidationError(
        "--isa: this CPU does not run \(kernels) (it runs up to \(DirectConvolution.ISA.best))")
    }
    Convolution.im2colThreads = im2colThreads
    print("# reid-bench")
    print(
      "BLAS core \(BLAS.coreName), \(BLAS.threads) threads; config: \(BLAS.configString)")
    let sections = Set(only.split(separator: ",").map(String.init))
    if sections.contains("peak") { PeakBenchmark(budget: budget).run() }
    if sections.contains("threads") { HandoffBenchmark(threads: blas.threads).run() }
    if sections.contains("direct") {
      DirectConvBenchmark(budget: budget, threads: blas.threads, filter: filter, isa: kernels)
        .run()
    }
    if sections.contains("pointwise") {
      DirectConvBenchmark.pointwise(
        budget: budget, threads: blas.threads, filter: filter, isa: kernels
      ).run()
    }
    if sections.contains("blas") { BLASBenchmark(budget: budget).run() }
    if sections.contains("conv") {
      ConvBenchmark(budget: budget, filter: filter, nchw: !noNCHW).run()
    }
    if sections.contains("layers") { LayerBenchmark(budget: budget).run() }
    if sections.contains("models") {
      let shapes = modelShapes.split(separator: ",").compactMap { spec -> (Int, Int, Int)? in
        let v = spec.split(separator: "x").compactMap { Int($0) }
        return v.count == 3 ? (v[0], v[1], v[2]) : nil
      }
      try ModelBenchmark(
        steps: max(1, modelSteps), architectures: models.split(separator: ",").map(String.init),
        shapes: shapes, sgemmShapes: sgemmShapes
      ).run()
    }
    if sections.contains("data") { try DataBenchmark(budget: budget).run() }
    if sections.contains("eval") {
      try EvalBenchmark(threads: blas.threads, reference: evalReference).run()
    }
  }
}
