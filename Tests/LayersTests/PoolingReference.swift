/// Naive NCHW pooling references, written from PyTorch's documented semantics window position
/// by window position (independent of the NHWC kernels' min/max clipping).
enum PoolingReference {
  /// The number of windows along one axis, by enumerating window starts: floor mode needs the
  /// window inside the padded input; ceil mode lets it overhang the padded input by less than
  /// a stride but must start inside the input or the left padding.
  static func outputSize(_ input: Int, k: Int, s: Int, p: Int, ceil: Bool) -> Int {
    var count = 0
    while true {
      let offset = count * s
      let fits =
        ceil
        ? offset + k <= input + 2 * p + s - 1 && offset - p < input
        : offset + k <= input + 2 * p
      if !fits { return count }
      count += 1
    }
  }

  struct Config: Sendable, CustomStringConvertible {
    var kh: Int
    var kw: Int
    var sh: Int
    var sw: Int
    var ph: Int
    var pw: Int
    var ceil: Bool
    var countIncludePad = true

    var description: String {
      "k\(kh)x\(kw) s\(sh)x\(sw) p\(ph)x\(pw)\(ceil ? " ceil" : "")"
        + (countIncludePad ? "" : " excl-pad")
    }
  }

  /// Max pooling; returns the output and the flat NCHW input index of each maximum.
  static func max(_ x: NCHW, _ cfg: Config) -> (NCHW, [Int]) {
    let ho = outputSize(x.h, k: cfg.kh, s: cfg.sh, p: cfg.ph, ceil: cfg.ceil)
    let wo = outputSize(x.w, k: cfg.kw, s: cfg.sw, p: cfg.pw, ceil: cfg.ceil)
    var y = NCHW(n: x.n, c: x.c, h: ho, w: wo)
    var argmax = [Int](repeating: -1, count: y.values.count)
    for b in 0..<x.n {
      for k in 0..<x.c {
        for oy in 0..<ho {
          for ox in 0..<wo {
            var best = -Double.infinity
            var bestIndex = -1
            for i in 0..<cfg.kh {
              for j in 0..<cfg.kw {
                let iy = oy * cfg.sh - cfg.ph + i
                let ix = ox * cfg.sw - cfg.pw + j
                guard iy >= 0 && iy < x.h && ix >= 0 && ix < x.w else { continue }
                let v = x[b, k, iy, ix]
                if bestIndex < 0 || v > best {
                  best = v
                  bestIndex = ((b * x.c + k) * x.h + iy) * x.w + ix
                }
              }
            }
            y[b, k, oy, ox] = best
            argmax[((b * x.c + k) * ho + oy) * wo + ox] = bestIndex
          }
        }
      }
    }
    return (y, argmax)
  }

  /// Max pooling backward from the reference argmax.
  static func maxBackward(_ dy: NCHW, argmax: [Int], input x: NCHW) -> NCHW {
    var dx = NCHW(n: x.n, c: x.c, h: x.h, w: x.w)
    for (i, target) in argmax.enumerated() { dx.values[target] += dy.values[i] }
    return dx
  }

  /// The valid input positions and the divisor of one average window.
  static func averageWindow(
    _ x: NCHW, _ cfg: Config, oy: Int, ox: Int
  ) -> (positions: [(Int, Int)], divisor: Double) {
    var positions: [(Int, Int)] = []
    var paddedRows = 0
    var paddedCols = 0
    for i in 0..<cfg.kh {
      let iy = oy * cfg.sh - cfg.ph + i
      if iy >= -cfg.ph && iy < x.h + cfg.ph { paddedRows += 1 }
    }
    for j in 0..<cfg.kw {
      let ix = ox * cfg.sw - cfg.pw + j
      if ix >= -cfg.pw && ix < x.w + cfg.pw { paddedCols += 1 }
    }
    for i in 0..<cfg.kh {
      for j in 0..<cfg.kw {
        let iy = oy * cfg.sh - cfg.ph + i
        let ix = ox * cfg.sw - cfg.pw + j
        if iy >= 0 && iy < x.h && ix >= 0 && ix < x.w { positions.append((iy, ix)) }
      }
    }
    let divisor = cfg.countIncludePad ? paddedRows * paddedCols : positions.count
    return (positions, Double(divisor))
  }

  /// Average pooling.
  static func average(_ x: NCHW, _ cfg: Config) -> NCHW {
    let ho = outputSize(x.h, k: cfg.kh, s: cfg.sh, p: cfg.ph, ceil: cfg.ceil)
    let wo = outputSize(x.w, k: cfg.kw, s: cfg.sw, p: cfg.pw, ceil: cfg.ceil)
    var y = NCHW(n: x.n, c: x.c, h: ho, w: wo)
    for oy in 0..<ho {
      for ox in 0..<wo {
        let (positions, divisor) = averageWindow(x, cfg, oy: oy, ox: ox)
        for b in 0..<x.n {
          for k in 0..<x.c {
            var sum = 0.0
            for (iy, ix) in positions { sum += x[b, k, iy, ix] }
            y[b, k, oy, ox] = positions.isEmpty ? 0 : sum / divisor
          }
        }
      }
    }
    return y
  }

  /// Average pooling backward.
  static func averageBackward(_ dy: NCHW, input x: NCHW, _ cfg: Config) -> NCHW {
    var dx = NCHW(n: x.n, c: x.c, h: x.h, w: x.w)
    for oy in 0..<dy.h {
      for ox in 0..<dy.w {
        let (positions, divisor) = averageWindow(x, cfg, oy: oy, ox: ox)
        for b in 0..<x.n {
          for k in 0..<x.c {
            for (iy, ix) in positions { dx[b, k, iy, ix] += dy[b, k, oy, ox] / divisor }
          }
        }
      }
    }
    return dx
  }
}
