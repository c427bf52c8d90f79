/// Max and average pooling over NHWC tensors, with PyTorch's window and divisor rules.
///
/// Each output pixel reads its window row by row; the inner loop runs over the contiguous
/// channels (max pooling keeps 16 channels' max and argmax in registers over the window).
/// x: (N, H, W, C) -> y: (N, Ho, Wo, C); sizes from `Pool2DGeometry`.
///
/// The passes run on `KernelThreads`: forward split by output rows, backward by images (the
/// windows of one image overlap, so its dx has one writer). Each scalar goes through the same
/// operations in the same order on any split, so no result depends on the thread count.
public enum PoolingKernels {
  /// Max pooling; padding never wins (it acts as -inf). argmax: (N, Ho, Wo, C) receives the
  /// spatial index ih * W + iw of each maximum; ties keep the first in scan order and a NaN
  /// wins, as in PyTorch.
  public static func maxForward(
    _ g: Pool2DGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
    argmax: UnsafeMutablePointer<Int32>
  ) {
    nonisolated(unsafe) let (x, y, argmax) = (x, y, argmax)
    KernelThreads.overRows(g.batch * g.outputHeight, width: windowScalarsPerRow(g)) { rows in
      maxForward(g, x: x, y: y, argmax: argmax, outputRows: rows)
    }
  }

  /// maxForward over the output rows (n, oh) flattened as n * Ho + oh.
  static func maxForward(
    _ g: Pool2DGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
    argmax: UnsafeMutablePointer<Int32>, outputRows: Range<Int>
  ) {
    let (h, w, c) = (g.inputHeight, g.inputWidth, g.channels)
    for row in outputRows {
      let (n, oh) = row.quotientAndRemainder(dividingBy: g.outputHeight)
      let xSample = x + n * h * w * c
      let hStart = oh * g.strideH - g.padH
      let h0 = max(hStart, 0)
      let h1 = min(hStart + g.kernelHeight, h)
      for ow in 0..<g.outputWidth {
        let wStart = ow * g.strideW - g.padW
        let w0 = max(wStart, 0)
        let w1 = min(wStart + g.kernelWidth, w)
        let offset = (row * g.outputWidth + ow) * c
        let yRow = y + offset
        let aRow = argmax + offset
        let first = Int32(h0 * w + w0)
        var k = 0
        while k + 16 <= c {
          maxWindow16(
            xSample + k, rowStride: w * c, pixelStride: c, rows: h0..<h1, cols: w0..<w1,
            width: w, first: first, y: yRow + k, argmax: aRow + k)
          k += 16
        }
        for k in k..<c {
          var best = -Float.infinity
          var bestIndex = first
          for ih in h0..<h1 {
            for iw in w0..<w1 {
              let v = xSample[(ih * w + iw) * c + k]
              if v > best || v.isNaN {
                best = v
                bestIndex = Int32(ih * w + iw)
              }
            }
          }
          yRow[k] = best
          aRow[k] = bestIndex
        }
      }
    }
  }

  /// The max and argmax of 16 adjacent channels over one window, in registers: a lane takes
  /// a value when it is greater than the lane's best or NaN (PyTorch's rule).
  @inline(__always)
  static func maxWindow16(
    _ x: UnsafePointer<Float>, rowStride: Int, pixelStride: Int, rows: Range<Int>,
    cols: Range<Int>, width: Int, first: Int32, y: UnsafeMutablePointer<Float>,
    argmax: UnsafeMutablePointer<Int32>
  ) {
    var best = SIMD16<Float>(repeating: -Float.infinity)
    var bestIndex = SIMD16<Int32>(repeating: first)
    let raw = UnsafeRawPointer(x)
    let scalarBytes = MemoryLayout<Float>.stride
    for ih in rows {
      for iw in cols {
        let v = raw.loadUnaligned(
          fromByteOffset: (ih * rowStride + iw * pixelStride) * scalarBytes,
          as: SIMD16<Float>.self)
        let take = (v .> best) .| (v .!= v)
        best.replace(with: v, where: take)
        bestIndex.replace(with: SIMD16<Int32>(repeating: Int32(ih * width + iw)), where: take)
      }
    }
    UnsafeMutableRawPointer(y).storeBytes(of: best, as: SIMD16<Float>.self)
    UnsafeMutableRawPointer(argmax).storeBytes(of: bestIndex, as: SIMD16<Int32>.self)
  }

  /// Max pooling backward: dx[n, argmax, c] += dy[n, oh, ow, c].
  /// dy, argmax: (N, Ho, Wo, C); dx: (N, H, W, C).
  public static func maxBackwardAccumulate(
    _ g: Pool2DGeometry, dy: UnsafePointer<Float>, argmax: UnsafePointer<Int32>,
    dx: UnsafeMutablePointer<Float>
  ) {
    nonisolated(unsafe) let (dy, argmax, dx) = (dy, argmax, dx)
    let width = g.outputHeight * g.outputWidth * g.channels
    KernelThreads.overRows(g.batch, width: width) { images in
      maxBackwardAccumulate(g, dy: dy, argmax: argmax, dx: dx, images: images)
    }
  }

  /// maxBackwardAccumulate for the images `images`.
  static func maxBackwardAccumulate(
    _ g: Pool2DGeometry, dy: UnsafePointer<Float>, argmax: UnsafePointer<Int32>,
    dx: UnsafeMutablePointer<Float>, images: Range<Int>
  ) {
    let c = g.channels
    let outputPixels = g.outputHeight * g.outputWidth
    for n in images {
      let dxSample = dx + n * g.inputHeight * g.inputWidth * c
      for p in 0..<outputPixels {
        let offset = (n * outputPixels + p) * c
        let dyRow = dy + offset
        let aRow = argmax + offset
        for k in 0..<c { dxSample[Int(aRow[k]) * c + k] += dyRow[k] }
      }
    }
  }

  /// The clipped window of output (oh, ow) and its divisor, as PyTorch's `AvgPool2d`.
  ///
  /// With `countIncludePad` the divisor counts the padded positions of the window but not the
  /// positions beyond the padded border that `ceil_mode` adds; otherwise it counts the input
  /// positions. Returns nil when the window holds no input position.
  @inline(__always)
  static func averageWindow(
    _ g: Pool2DGeometry, oh: Int, ow: Int, countIncludePad: Bool
  ) -> (h0: Int, h1: Int, w0: Int, w1: Int, divisor: Int)? {
    let hStart = oh * g.strideH - g.padH
    let wStart = ow * g.strideW - g.padW
    let hEnd = min(hStart + g.kernelHeight, g.inputHeight + g.padH)
    let wEnd = min(wStart + g.kernelWidth, g.inputWidth + g.padW)
    let poolSize = (hEnd - hStart) * (wEnd - wStart)
    let h0 = max(hStart, 0)
    let w0 = max(wStart, 0)
    let h1 = min(hEnd, g.inputHeight)
    let w1 = min(wEnd, g.inputWidth)
    if h0 >= h1 || w0 >= w1 { return nil }
    return (h0, h1, w0, w1, countIncludePad ? poolSize : (h1 - h0) * (w1 - w0))
  }

  /// Average pooling: the window sum in scan order divided by the divisor (see
  /// `averageWindow`); y must hold zeros where a window is empty.
  public static func averageForward(
    _ g: Pool2DGeometry, countIncludePad: Bool, x: UnsafePointer<Float>,
    y: UnsafeMutablePointer<Float>
  ) {
    nonisolated(unsafe) let (x, y) = (x, y)
    KernelThreads.overRows(g.batch * g.outputHeight, width: windowScalarsPerRow(g)) { rows in
      averageForward(g, countIncludePad: countIncludePad, x: x, y: y, outputRows: rows)
    }
  }

  /// averageForward over the output rows (n, oh) flattened as n * Ho + oh.
  static func averageForward(
    _ g: Pool2DGeometry, countIncludePad: Bool, x: UnsafePointer<Float>,
    y: UnsafeMutablePointer<Float>, outputRows: Range<Int>
  ) {
    let (h, w, c) = (g.inputHeight, g.inputWidth, g.channels)
    for row in outputRows {
      let (n, oh) = row.quotientAndRemainder(dividingBy: g.outputHeight)
      let xSample = x + n * h * w * c
      for ow in 0..<g.outputWidth {
        let yRow = y + (row * g.outputWidth + ow) * c
        guard let win = averageWindow(g, oh: oh, ow: ow, countIncludePad: countIncludePad)
        else {
          for k in 0..<c { yRow[k] = 0 }
          continue
        }
        for k in 0..<c { yRow[k] = 0 }
        for ih in win.h0..<win.h1 {
          for iw in win.w0..<win.w1 {
            let xRow = xSample + (ih * w + iw) * c
            for k in 0..<c { yRow[k] += xRow[k] }
          }
        }
        let divisor = Float(win.divisor)
        for k in 0..<c { yRow[k] = yRow[k] / divisor }
      }
    }
  }

  /// Average pooling backward: every input position of a window gets dy / divisor.
  /// dy: (N, Ho, Wo, C); dx: (N, H, W, C).
  public static func averageBackwardAccumulate(
    _ g: Pool2DGeometry, countIncludePad: Bool, dy: UnsafePointer<Float>,
    dx: UnsafeMutablePointer<Float>
  ) {
    nonisolated(unsafe) let (dy, dx) = (dy, dx)
    let width = g.outputHeight * g.outputWidth * g.channels * g.kernelHeight * g.kernelWidth
    KernelThreads.overRows(g.batch, width: width) { images in
      let share = UnsafeMutablePointer<Float>.allocate(capacity: g.channels)
      defer { share.deallocate() }
      averageBackwardAccumulate(
        g, countIncludePad: countIncludePad, dy: dy, dx: dx, images: images, share: share)
    }
  }

  /// averageBackwardAccumulate for the images `images`; share holds C floats of scratch.
  ///
  /// Each window position receives the same quotient dy / divisor, so it is computed once per
  /// output pixel (the same value as dividing at every position: the bits do not move).
  static func averageBackwardAccumulate(
    _ g: Pool2DGeometry, countIncludePad: Bool, dy: UnsafePointer<Float>,
    dx: UnsafeMutablePointer<Float>, images: Range<Int>, share: UnsafeMutablePointer<Float>
  ) {
    let (h, w, c) = (g.inputHeight, g.inputWidth, g.channels)
    for n in images {
      let dxSample = dx + n * h * w * c
      for oh in 0..<g.outputHeight {
        for ow in 0..<g.outputWidth {
          guard let win = averageWindow(g, oh: oh, ow: ow, countIncludePad: countIncludePad)
          else { continue }
          let dyRow = dy + ((n * g.outputHeight + oh) * g.outputWidth + ow) * c
          let divisor = Float(win.divisor)
          for k in 0..<c { share[k] = dyRow[k] / divisor }
          for ih in win.h0..<win.h1 {
            for iw in win.w0..<win.w1 {
              let dxRow = dxSample + (ih * w + iw) * c
              for k in 0..<c { dxRow[k] += share[k] }
            }
          }
        }
      }
    }
  }

  /// The scalars a forward pass reads and writes per output row: the measure of work that
  /// decides whether the pass goes to a second thread.
  static func windowScalarsPerRow(_ g: Pool2DGeometry) -> Int {
    g.outputWidth * g.channels * (g.kernelHeight * g.kernelWidth + 1)
  }
}
