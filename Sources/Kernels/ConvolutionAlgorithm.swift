/// How convolutions are computed (`blas.conv`).
///
/// The choice is per run and fixed, never a timing, because the two give different bits:
/// `direct` runs the fixed-order kernels of `DirectConvolution`, whose bits are the same on
/// every ISA and thread count, except on the passes `DirectConvolution.prefersIm2col` names
/// by shape; `im2col` gathers columns for OpenBLAS sgemm (a pointwise convolution, 1x1 with
/// stride 1 and no padding, is one sgemm without columns), whose bits follow its kernel
/// family and thread count.
public enum ConvolutionAlgorithm: String, Codable, CaseIterable, Sendable {
  case direct
  case im2col

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let value = Self(rawValue: text) else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "expected direct or im2col, got '\(text)'")
    }
    self = value
  }
}

/// The three passes of a convolution.
public enum ConvolutionPass: String, CaseIterable, Sendable {
  case forward
  case backwardData = "backward-data"
  case backwardWeights = "backward-weights"
}
