import TensorCore

/// The two small loops of HA-CNN's soft attention that no layer covers.
enum AttentionKernels {
  /// y[p] = mean over c of x[p, c] (torch `x.mean(1, keepdim=True)` in NCHW terms).
  /// x: (N, H, W, C) -> y: (N, H, W, 1).
  static func channelMean(_ x: Tensor) -> Tensor {
    let c = x.shape[3]
    var y = Tensor(shape: Shape(x.shape[0], x.shape[1], x.shape[2], 1))
    let pixels = y.count
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer { py in
        for p in 0..<pixels {
          var sum: Float = 0
          for k in 0..<c { sum += px[p * c + k] }
          py[p] = sum / Float(c)
        }
      }
    }
    return y
  }

  /// dx[p, c] += dy[p] / C. dy: (N, H, W, 1); dx: (N, H, W, C).
  static func channelMeanBackward(_ dy: Tensor, into dx: inout Tensor) {
    let c = dx.shape[3]
    let pixels = dy.count
    checkPrecondition(pixels * c == dx.count, "channelMeanBackward: dy \(dy.shape), dx \(dx.shape)")
    dy.withUnsafePointer { pdy in
      dx.withUnsafeMutablePointer { pdx in
        for p in 0..<pixels {
          let g = pdy[p] / Float(c)
          for k in 0..<c { pdx[p * c + k] += g }
        }
      }
    }
  }

  /// y[n, h, w, c] = s[n, h, w] * t[n, c]: the spatial map times the channel vector.
  /// s: (N, H, W, 1); t: (N, 1, 1, C) -> y: (N, H, W, C).
  static func outer(_ s: Tensor, _ t: Tensor) -> Tensor {
    let (n, h, w, c) = (s.shape[0], s.shape[1], s.shape[2], t.shape[3])
    checkPrecondition(
      s.shape[3] == 1 && t.shape == Shape(n, 1, 1, c), "outer: s \(s.shape), t \(t.shape)")
    var y = Tensor(shape: Shape(n, h, w, c))
    s.withUnsafePointer { ps in
      t.withUnsafePointer { pt in
        y.withUnsafeMutablePointer { py in
          for b in 0..<n {
            for p in 0..<(h * w) {
              let sv = ps[b * h * w + p]
              let (row, tv) = (py + (b * h * w + p) * c, pt + b * c)
              for k in 0..<c { row[k] = sv * tv[k] }
            }
          }
        }
      }
    }
    return y
  }

  /// ds[n, h, w] += sum_c dy * t; dt[n, c] += sum_hw dy * s.
  static func outerBackward(
    _ dy: Tensor, _ s: Tensor, _ t: Tensor, intoS ds: inout Tensor, intoT dt: inout Tensor
  ) {
    let (n, h, w, c) = (dy.shape[0], dy.shape[1], dy.shape[2], dy.shape[3])
    dy.withUnsafePointer { pdy in
      s.withUnsafePointer { ps in
        t.withUnsafePointer { pt in
          ds.withUnsafeMutablePointer { pds in
            dt.withUnsafeMutablePointer { pdt in
              for b in 0..<n {
                for p in 0..<(h * w) {
                  let (row, tv, dtv) = (pdy + (b * h * w + p) * c, pt + b * c, pdt + b * c)
                  let sv = ps[b * h * w + p]
                  var sum: Float = 0
                  for k in 0..<c {
                    sum += row[k] * tv[k]
                    dtv[k] += row[k] * sv
                  }
                  pds[b * h * w + p] += sum
                }
              }
            }
          }
        }
      }
    }
  }
}
