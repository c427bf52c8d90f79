import TensorCore

/// The two source taps and weights of every output position along one axis of a bilinear
/// resize, exactly as PyTorch's `upsample_bilinear2d` computes them (in Float).
///
/// align_corners false: src = max((dst + 0.5) * in / out - 0.5, 0); true: src = dst * (in - 1)
/// / (out - 1), and 0 when out == 1. index0 = floor(src), index1 = index0 + 1 clamped to the
/// input, lambda1 = src - index0 clamped to [0, 1], lambda0 = 1 - lambda1. Equal sizes copy.
public struct BilinearAxis: Sendable, Equatable {
  /// The lower and upper source index of each output position.
  public let index0: [Int]
  public let index1: [Int]
  /// The weights of `index0` and `index1`.
  public let lambda0: [Float]
  public let lambda1: [Float]

  /// The taps for resizing an axis of `input` positions to `output` positions.
  public init(input: Int, output: Int, alignCorners: Bool) {
    checkPrecondition(input >= 1 && output >= 1, "BilinearAxis: sizes \(input) -> \(output)")
    var i0 = [Int](repeating: 0, count: output)
    var i1 = [Int](repeating: 0, count: output)
    var l0 = [Float](repeating: 1, count: output)
    var l1 = [Float](repeating: 0, count: output)
    if input == output {
      for d in 0..<output {
        i0[d] = d
        i1[d] = d
      }
    } else {
      let ratio: Float
      if alignCorners {
        ratio = output > 1 ? Float(input - 1) / Float(output - 1) : 0
      } else {
        ratio = Float(input) / Float(output)
      }
      for d in 0..<output {
        var src: Float
        if alignCorners {
          src = ratio * Float(d)
        } else {
          src = ratio * (Float(d) + 0.5) - 0.5
          if src < 0 { src = 0 }
        }
        let lower = min(Int(src), input - 1)
        i0[d] = lower
        i1[d] = lower < input - 1 ? lower + 1 : lower
        let lambda = min(max(src - Float(lower), 0), 1)
        l1[d] = lambda
        l0[d] = 1 - lambda
      }
    }
    index0 = i0
    index1 = i1
    lambda0 = l0
    lambda1 = l1
  }
}

/// Bilinear resizing of NHWC tensors. x: (N, H, W, C) -> y: (N, Ho, Wo, C).
///
/// Each output pixel is w00 * x00 + w01 * x01 + w10 * x10 + w11 * x11 with w00 = lh0 * lw0
/// (PyTorch's channels-last order), the inner loop over the contiguous channels.
public enum ResizeKernels {
  /// The forward resize; `rows` maps H -> Ho and `cols` maps W -> Wo.
  public static func bilinearForward(
    x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, batch: Int, height h: Int,
    width w: Int, channels c: Int, rows: BilinearAxis, cols: BilinearAxis
  ) {
    let (ho, wo) = (rows.index0.count, cols.index0.count)
    rows.index0.withUnsafeBufferPointer { r0 in
      rows.index1.withUnsafeBufferPointer { r1 in
        cols.index0.withUnsafeBufferPointer { c0 in
          cols.index1.withUnsafeBufferPointer { c1 in
            for n in 0..<batch {
              let xSample = x + n * h * w * c
              for oh in 0..<ho {
                let lh0 = rows.lambda0[oh]
                let lh1 = rows.lambda1[oh]
                let row0 = xSample + r0[oh] * w * c
                let row1 = xSample + r1[oh] * w * c
                for ow in 0..<wo {
                  let w00 = lh0 * cols.lambda0[ow]
                  let w01 = lh0 * cols.lambda1[ow]
                  let w10 = lh1 * cols.lambda0[ow]
                  let w11 = lh1 * cols.lambda1[ow]
                  let x00 = row0 + c0[ow] * c
                  let x01 = row0 + c1[ow] * c
                  let x10 = row1 + c0[ow] * c
                  let x11 = row1 + c1[ow] * c
                  let yRow = y + ((n * ho + oh) * wo + ow) * c
                  for k in 0..<c {
                    yRow[k] = x00[k] * w00 + x01[k] * w01 + x10[k] * w10 + x11[k] * w11
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// The backward resize: each dy scatters into its four taps with the forward weights.
  /// dy: (N, Ho, Wo, C); dx: (N, H, W, C).
  public static func bilinearBackwardAccumulate(
    dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, batch: Int, height h: Int,
    width w: Int, channels c: Int, rows: BilinearAxis, cols: BilinearAxis
  ) {
    let (ho, wo) = (rows.index0.count, cols.index0.count)
    rows.index0.withUnsafeBufferPointer { r0 in
      rows.index1.withUnsafeBufferPointer { r1 in
        cols.index0.withUnsafeBufferPointer { c0 in
          cols.index1.withUnsafeBufferPointer { c1 in
            for n in 0..<batch {
              let dxSample = dx + n * h * w * c
              for oh in 0..<ho {
                let lh0 = rows.lambda0[oh]
                let lh1 = rows.lambda1[oh]
                let row0 = dxSample + r0[oh] * w * c
                let row1 = dxSample + r1[oh] * w * c
                for ow in 0..<wo {
                  let w00 = lh0 * cols.lambda0[ow]
                  let w01 = lh0 * cols.lambda1[ow]
                  let w10 = lh1 * cols.lambda0[ow]
                  let w11 = lh1 * cols.lambda1[ow]
                  let dyRow = dy + ((n * ho + oh) * wo + ow) * c
                  // Four separate passes: the taps may coincide at the borders.
                  let d00 = row0 + c0[ow] * c
                  for k in 0..<c { d00[k] += w00 * dyRow[k] }
                  let d01 = row0 + c1[ow] * c
                  for k in 0..<c { d01[k] += w01 * dyRow[k] }
                  let d10 = row1 + c0[ow] * c
                  for k in 0..<c { d10[k] += w10 * dyRow[k] }
                  let d11 = row1 + c1[ow] * c
                  for k in 0..<c { d11[k] += w11 * dyRow[k] }
                }
              }
            }
          }
        }
      }
    }
  }
}
