import ArgumentParser
import Models
import TensorCore

/// `reid inspect-model ARCH`: parameter counts (total and per module) and the feature map
/// shape for an input size.
struct InspectModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect-model",
    abstract: "Print a backbone's parameter counts, per module, and its feature map shape.")

  @Argument(help: "densenet121 or inception_v3, optionally -dilated, -w<width>, -d<depth>.")
  var architecture: String

  @Option(help: "Input height for the feature map shape.")
  var height = 256

  @Option(help: "Input width for the feature map shape.")
  var width = 128

  func run() throws {
    let spec = try BackboneSpec(parsing: architecture)
    let features = ModelSlabs()
    let backbone = Backbone(spec, features)
    let full = ModelSlabs()
    _ = Backbone(spec, full, classes: 1000, auxiliaryHead: spec.family == .inceptionV3)
    let summary = ParameterSummary(full.parameters)
    print("architecture: \(spec)")
    let output = backbone.features.outputShape(for: Shape(1, height, width, 3))
    print("feature map for a 1x\(height)x\(width) image (N, H, W, C): \(output)")
    print("parameters (re-ID backbone, no classifier): \(grouped(features.parameters.count))")
    if spec.family == .inceptionV3 {
      let plain = ModelSlabs()
      _ = Backbone(spec, plain, classes: 1000)
      print("parameters with the 1000-way fc: \(grouped(plain.parameters.count))")
      print("parameters with fc and AuxLogits: \(grouped(summary.total))")
    } else {
      print("parameters with the 1000-way classifier: \(grouped(summary.total))")
    }
    print("buffers (BN running statistics): \(grouped(features.buffers.count))")
    print("\nper module (torchvision's full model):")
    let width = summary.rows.map(\.module.count).max() ?? 0
    for row in summary.rows {
      let padding = String(repeating: " ", count: width - row.module.count + 2)
      print("  \(row.module)\(padding)\(grouped(row.count))")
    }
  }

  /// 6953856 -> "6,953,856".
  func grouped(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(d)
    }
    return out
  }
}
