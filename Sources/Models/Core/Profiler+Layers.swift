// Forms of the layers that time themselves as their profiler kind, for blocks that call them.

import Layers
import TensorCore

extension Conv2D {
  /// `forward`, timed as `.conv` and its FLOPs counted by the profiler.
  ///
  /// x: (N, H, W, Cin) -> y: (N, Ho, Wo, Cout).
  func profiledForward(_ x: Tensor, _ parameters: ParameterSlab) -> Tensor {
    let profiler = Profiler.shared
    profiler.countConv(geometry(for: x.shape).forwardFLOPs)
    return profiler.measure(.conv) { forward(x, parameters) }
  }

  /// `backward`, timed as `.conv` and its FLOPs counted: backward-weights, and backward-data
  /// when dx is wanted, each as many as the forward pass.
  ///
  /// dy: (N, Ho, Wo, Cout); x: (N, H, W, Cin); dx: x's shape or nil.
  func profiledBackward(
    _ dy: Tensor, input x: Tensor, into dx: inout Tensor?, _ parameters: ParameterSlab
  ) {
    let profiler = Profiler.shared
    profiler.countConv(geometry(for: x.shape).forwardFLOPs * (dx == nil ? 1 : 2))
    profiler.measure(.conv) { backward(dy, input: x, into: &dx, parameters) }
  }

  /// `backwardWeights`, timed as `.conv` and its FLOPs (the forward pass's) counted.
  ///
  /// dy: (N, Ho, Wo, Cout); x: (N, H, W, Cin).
  func profiledBackwardWeights(_ dy: Tensor, input x: Tensor, _ parameters: ParameterSlab) {
    let profiler = Profiler.shared
    profiler.countConv(geometry(for: x.shape).forwardFLOPs)
    profiler.measure(.conv) { backwardWeights(dy, input: x, parameters) }
  }

  /// `inputGradient`, timed as `.conv` and its FLOPs (the forward pass's) counted.
  ///
  /// dy: (N, Ho, Wo, Cout) -> dx (N, H, W, Cin), the input's shape `inputShape`.
  func profiledInputGradient(_ dy: Tensor, inputShape: Shape, _ parameters: ParameterSlab)
    -> Tensor
  {
    let profiler = Profiler.shared
    profiler.countConv(geometry(for: inputShape).forwardFLOPs)
    return profiler.measure(.conv) { inputGradient(dy, inputShape: inputShape, parameters) }
  }
}

extension BilinearResize {
  /// `forward`, timed as `.resize`: x (N, h, w, C) -> y (N, height, width, C).
  func profiledForward(_ x: Tensor) -> Tensor {
    Profiler.shared.measure(.resize) { forward(x) }
  }

  /// `backward`, timed as `.resize`: dx (N, h, w, C) += the bilinear weights times dy.
  func profiledBackward(_ dy: Tensor, into dx: inout Tensor) {
    Profiler.shared.measure(.resize) { backward(dy, into: &dx) }
  }
}
