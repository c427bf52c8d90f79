import ArgumentParser
import Kernels

/// `make bench`: the training core's speed, each figure beside raw sgemm measured in the
/// same run, and evaluation at full Market-1501 size.
@main
struct ReIDBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reid-bench", abstract: "Benchmark the training core against raw sgemm.")

  @Option(help: "BLAS threads.")
  var threads = 2

  @Option(help: "Seconds spent timing each measurement.")
  var budget = 0.3

  @Option(help: "Sections to run: blas, conv, layers, eval (comma-separated).")
  var only = "blas,conv,layers,eval"

  @Flag(help: "Run the numpy reference evaluator beside the eval section (python3, h5py).")
  var evalReference = false

  @Option(help: "im2col chunk budget in scalars (default: the library's).")
  var columnBudget: Int?

  @Option(help: "Only conv shapes whose name contains this.")
  var filter: String?

  func run() throws {
    BLAS.setThreads(threads)
    if let columnBudget { Convolution.columnBudget = columnBudget }
    print("# reid-bench")
    print(
      "BLAS core \(BLAS.coreName), \(BLAS.threads) threads; config: \(BLAS.configString)")
    let sections = Set(only.split(separator: ",").map(String.init))
    if sections.contains("blas") { BLASBenchmark(budget: budget).run() }
    if sections.contains("conv") { ConvBenchmark(budget: budget, filter: filter).run() }
    if sections.contains("layers") { LayerBenchmark(budget: budget).run() }
    if sections.contains("eval") {
      try EvalBenchmark(threads: threads, reference: evalReference).run()
    }
  }
}
