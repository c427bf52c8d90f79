import TensorCore

/// An optimizer over a `ParameterSlab`: one flat update loop over `slab.allValues` driven by
/// `slab.allGradients`, with named state slots parallel to the slab.
///
/// The state is exactly `stepCount` plus the slots, so a checkpoint that saves both (for example
/// as `/optimizer/<parameter name>/<slot>` through `slot(_:of:)`) and restores them continues
/// with the same bits as a run that never stopped.
public protocol Optimizer: AnyObject {
  /// The parameters this optimizer updates; it must not grow after the optimizer is created.
  var slab: ParameterSlab { get }
  /// The number of completed steps (PyTorch's `state["step"]`); set it when restoring.
  var stepCount: Int { get set }
  /// The names of the state slots, for example `momentum_buffer` or `exp_avg`, `exp_avg_sq`.
  var slotNames: [String] { get }
  /// The flat buffer of slot `name`, parallel to `slab.allValues`, or nil for another name.
  ///
  /// The buffer lives as long as the optimizer; writing into it restores the slot.
  func slot(_ name: String) -> UnsafeMutableBufferPointer<Float>?
  /// Applies one update with the base learning rate `lr`, then increments `stepCount`.
  func step(lr: Float)
}

extension Optimizer {
  /// The part of slot `name` that belongs to parameter `id`, or nil for an unknown slot.
  public func slot(_ name: String, of id: ParameterID) -> UnsafeMutableBufferPointer<Float>? {
    guard let flat = slot(name) else { return nil }
    let entry = slab.entry(id)
    return UnsafeMutableBufferPointer(
      rebasing: flat[entry.offset..<(entry.offset + entry.count)])
  }

  /// A copy of the whole state: the step count and every slot.
  public func state() -> OptimizerState {
    var slots: [String: [Float]] = [:]
    for name in slotNames {
      if let buffer = slot(name) { slots[name] = Array(buffer) }
    }
    return OptimizerState(stepCount: stepCount, slots: slots)
  }

  /// Restores a state saved by `state()`, checking its slot names and sizes.
  public func restore(_ state: OptimizerState) throws(OptimizerStateError) {
    guard state.stepCount >= 0 else { throw .negativeStepCount(state.stepCount) }
    for name in state.slots.keys where !slotNames.contains(name) {
      throw .unknownSlot(name, expected: slotNames)
    }
    for name in slotNames {
      guard let values = state.slots[name] else { throw .missingSlot(name) }
      guard let buffer = slot(name) else { throw .missingSlot(name) }
      guard values.count == buffer.count else {
        throw .wrongCount(slot: name, parameter: nil, expected: buffer.count, got: values.count)
      }
    }
    for name in slotNames {
      if let values = state.slots[name], let buffer = slot(name) {
        _ = buffer.update(fromContentsOf: values)
      }
    }
    stepCount = state.stepCount
  }

  /// Restores slot `name` of parameter `id` from `values` (a checkpoint's
  /// `/optimizer/<parameter name>/<slot>`), checking the name and size.
  public func restoreSlot(_ name: String, of id: ParameterID, values: [Float])
    throws(OptimizerStateError)
  {
    guard let buffer = slot(name, of: id) else { throw .unknownSlot(name, expected: slotNames) }
    guard values.count == buffer.count else {
      throw .wrongCount(
        slot: name, parameter: slab.entry(id).name, expected: buffer.count, got: values.count)
    }
    _ = buffer.update(fromContentsOf: values)
  }
}

/// The complete state of an optimizer: the step count and each slot as a flat array.
public struct OptimizerState: Sendable, Equatable, Codable {
  /// The number of completed steps.
  public var stepCount: Int
  /// Each slot by name, parallel to the slab's flat values.
  public var slots: [String: [Float]]

  /// A state from its parts.
  public init(stepCount: Int, slots: [String: [Float]]) {
    self.stepCount = stepCount
    self.slots = slots
  }
}

/// Why a saved optimizer state cannot be restored.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
  /// The state lacks a slot the optimizer keeps.
  case missingSlot(String)
  /// The state has a slot this optimizer does not keep.
  case unknownSlot(String, expected: [String])
  /// A slot, or one parameter's part of it, has the wrong number of scalars.
  case wrongCount(slot: String, parameter: String?, expected: Int, got: Int)
  /// The step count is negative.
  case negativeStepCount(Int)

  /// A message naming the slot and parameter.
  public var description: String {
    switch self {
    case .missingSlot(let name): return "optimizer state: slot \(name) is missing"
    case .unknownSlot(let name, let expected):
      return "optimizer state: unknown slot \(name) (this optimizer keeps \(expected))"
    case .wrongCount(let slot, let parameter, let expected, let got):
      let place = parameter.map { "\($0)/\(slot)" } ?? slot
      return "optimizer state: \(place) has \(got) values, expected \(expected)"
    case .negativeStepCount(let count): return "optimizer state: step count \(count) < 0"
    }
  }
}
