import Layers
import TensorCore

/// ASPP's image-pooling branch: global average pool -> 1x1 conv -> BN -> ReLU -> bilinear
/// upsampling back to the input's size (a constant map, as DeepLab-v3).
///
/// x: (N, h, w, Cin) -> y: (N, h, w, D).
public struct ImagePoolingBranch: Block {
  /// GAP, then conv + BN + ReLU on (N, 1, 1, Cin).
  let pooled: Sequential

  /// What backward needs: the pooled chain's input and cache.
  public struct Cache: Sendable {
    var pooled: Tensor
    var chain: Sequential.Cache
    var projected: Tensor
  }

  /// Registers `<name>.conv.weight` and `<name>.bn.*`.
  public init(_ name: String, _ slabs: ModelSlabs, inputChannels: Int, outputChannels: Int) {
    pooled = Sequential(
      ConvBlock(
        "\(name).conv", slabs, inputChannels: inputChannels, outputChannels: outputChannels,
        kernel: (1, 1)),
      BatchNormBlock("\(name).bn", slabs, channels: outputChannels, relu: true))
  }

  /// x: (N, h, w, Cin) -> y: (N, h, w, D).
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    let (g, _) = GlobalAveragePoolBlock().forward(x, mode: mode, slabs)
    let (z, chain) = pooled.forward(g, mode: mode, slabs)
    let (y, _) = ResizeBlock(height: x.shape[1], width: x.shape[2], alignCorners: false)
      .forward(z, mode: mode, slabs)
    return (y, Cache(pooled: g, chain: chain, projected: z))
  }

  /// dx += the gradient through upsampling, the 1x1 chain and the average pool.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    var dz: Tensor? = Tensor(shape: cache.projected.shape)
    ResizeBlock(height: x.shape[1], width: x.shape[2], alignCorners: false)
      .backward(dy, input: cache.projected, cache: .init(), into: &dz, slabs)
    var dg: Tensor? = dx == nil ? nil : Tensor(shape: cache.pooled.shape)
    pooled.backward(dz ?? dy, input: cache.pooled, cache: cache.chain, into: &dg, slabs)
    if let dg {
      GlobalAveragePoolBlock().backward(dg, input: x, cache: .init(), into: &dx, slabs)
    }
  }

  /// (N, h, w, D).
  public func outputShape(for shape: Shape) -> Shape {
    Shape(shape[0], shape[1], shape[2], pooled.outputShape(for: Shape(shape[0], 1, 1, shape[3]))[3])
  }
}

/// Builds DeepLab-v3's atrous spatial pyramid pooling as the parsing head uses it.
public enum ASPP {
  /// The atrous rates of the 3x3 branches (DESIGN.md section 2).
  public static let rates = [3, 6, 9, 12]

  /// image pooling | 1x1 | 3x3 at each rate, concatenated -> 1x1 -> BN -> ReLU.
  ///
  /// x: (N, h, w, Cin) -> y: (N, h, w, D). Every convolution is followed by BN and ReLU and has
  /// no bias. Names: `<name>.pool`, `<name>.branch1x1`, `<name>.rate<r>`, `<name>.project`,
  /// each with `.conv.weight` and `.bn.*`.
  public static func make(
    _ name: String, _ slabs: ModelSlabs, inputChannels: Int, channels: Int,
    rates: [Int] = ASPP.rates
  ) -> Sequential {
    func convBNReLU(_ n: String, _ cin: Int, kernel: Int, dilation: Int) -> AnyBlock {
      let pad = dilation * (kernel - 1) / 2
      return AnyBlock(
        Sequential(
          ConvBlock(
            "\(n).conv", slabs, inputChannels: cin, outputChannels: channels,
            kernel: (kernel, kernel), padding: (pad, pad), dilation: (dilation, dilation)),
          BatchNormBlock("\(n).bn", slabs, channels: channels, relu: true)))
    }
    var branches = [
      AnyBlock(
        ImagePoolingBranch(
          "\(name).pool", slabs, inputChannels: inputChannels, outputChannels: channels)),
      convBNReLU("\(name).branch1x1", inputChannels, kernel: 1, dilation: 1),
    ]
    for r in rates {
      branches.append(convBNReLU("\(name).rate\(r)", inputChannels, kernel: 3, dilation: r))
    }
    return Sequential(
      AnyBlock(Parallel(branches)),
      convBNReLU("\(name).project", channels * branches.count, kernel: 1, dilation: 1))
  }
}
