import Checkpoint
import Foundation
import Optim
import TensorCore

/// The HDF5 layout of one training checkpoint.
///
/// ```
/// /params/<name>             float32, the parameter's PyTorch shape
/// /buffers/<name>            float32 (BN running statistics, batch counters)
/// /optimizer/<name>/<slot>   float32, the parameter's shape
/// /rng/<stream>              int64 (4): xoshiro256** state words, as bit patterns
/// /sampler                   string: the sampler's JSON state
/// /log_window                int64: counts kept between logging steps (when any)
/// root attributes            format_version, run_id, step, optimizer_steps, seed, config,
///                            blas_core, blas_threads, complete
/// ```
/// Every dataset is chunked with a Fletcher32 checksum, so reading it verifies it.
enum CheckpointFile {
  static func write(_ state: TrainingState, metadata: CheckpointMetadata, to path: String) throws {
    try HDF5File.writeAtomically(to: path) { file in
      for (slab, group) in [(state.parameters, "params"), (state.buffers, "buffers")] {
        for (id, entry) in zip(slab.ids, slab.entries) {
          let values = UnsafeBufferPointer(slab.values(id))
          try file.write(values, shape: entry.shape, to: "\(group)/\(entry.name)")
        }
      }
      for (id, entry) in zip(state.parameters.ids, state.parameters.entries) {
        for slot in state.optimizer.slotNames {
          guard let view = state.optimizer.slot(slot, of: id) else { continue }
          try file.write(
            UnsafeBufferPointer(view), shape: entry.shape, to: "optimizer/\(entry.name)/\(slot)")
        }
      }
      for (name, words) in state.streams.states.sorted(by: { $0.key < $1.key }) {
        try file.write(words.map { Int64(bitPattern: $0) }, shape: [4], to: "rng/\(name)")
      }
      try file.write([String(decoding: state.samplerState, as: UTF8.self)], to: "sampler")
      if !state.logWindow.isEmpty {
        try file.write(state.logWindow, shape: [state.logWindow.count], to: "log_window")
      }
      try file.setAttribute("format_version", Int64(metadata.formatVersion))
      try file.setAttribute("run_id", metadata.runID)
      try file.setAttribute("step", Int64(metadata.step))
      try file.setAttribute("optimizer_steps", Int64(state.optimizer.stepCount))
      try file.setAttribute("seed", Int64(bitPattern: state.streams.seed))
      try file.setAttribute("config", metadata.config)
      try file.setAttribute("blas_core", metadata.blasCore)
      try file.setAttribute("blas_threads", Int64(metadata.blasThreads))
      try file.setAttribute("complete", Int64(1))
    }
  }

  static func metadata(of file: HDF5File, path: String) throws -> CheckpointMetadata {
    guard try file.hasAttribute("run_id") else {
      // Without a run id it was never a checkpoint (say, a run's weights.h5).
      let kind =
        try file.hasAttribute("architecture")
        ? "a weights file (name -> tensor; reid forward --weights reads it)" : "another HDF5 file"
      throw CheckpointError(
        file: path, message: "not a training checkpoint (no run_id attribute): \(kind)")
    }
    guard try file.hasAttribute("complete"), try file.attribute("complete", as: Int64.self) == 1
    else { throw CheckpointError(file: path, message: "not marked complete") }
    return CheckpointMetadata(
      formatVersion: Int(try file.attribute("format_version", as: Int64.self)),
      runID: try file.stringAttribute("run_id"),
      step: Int(try file.attribute("step", as: Int64.self)),
      config: try file.stringAttribute("config"),
      blasCore: try file.stringAttribute("blas_core"),
      blasThreads: Int(try file.attribute("blas_threads", as: Int64.self)))
  }

  /// Reads and verifies a whole checkpoint of run `runID` into memory, then (only if all of
  /// it is good) copies it into `state`.
  static func read(_ path: String, runID: String, into state: TrainingState) throws
    -> CheckpointMetadata
  {
    let file = try HDF5File.open(path)
    defer { try? file.close() }
    let metadata = try metadata(of: file, path: path)
    guard metadata.formatVersion == CheckpointStore.formatVersion else {
      throw CheckpointError(
        file: path,
        message:
          "format version \(metadata.formatVersion), expected \(CheckpointStore.formatVersion)")
    }
    guard metadata.runID == runID else {
      throw CheckpointError(file: path, message: "belongs to run \(metadata.runID), not \(runID)")
    }
    var tensors: [(UnsafeMutableBufferPointer<Float>, [Float])] = []
    func load(_ group: String, _ slab: ParameterSlab) throws {
      let stored = Set(try file.openGroup(group).members().map(\.name))
      let expected = Set(slab.entries.map(\.name))
      guard stored == expected else {
        throw CheckpointError(
          file: path,
          message: "/\(group) does not match the model: missing "
            + "\(expected.subtracting(stored).sorted()), unexpected \(stored.subtracting(expected).sorted())"
        )
      }
      for (id, entry) in zip(slab.ids, slab.entries) {
        let data = try file.read("\(group)/\(entry.name)", as: Float.self)
        guard data.shape == entry.shape else {
          throw CheckpointError(
            file: path, message: "/\(group)/\(entry.name) is \(data.shape), expected \(entry.shape)"
          )
        }
        tensors.append((slab.values(id), data.values))
      }
    }
    try load("params", state.parameters)
    try load("buffers", state.buffers)
    for (id, entry) in zip(state.parameters.ids, state.parameters.entries) {
      for slot in state.optimizer.slotNames {
        guard let view = state.optimizer.slot(slot, of: id) else { continue }
        let data = try file.read("optimizer/\(entry.name)/\(slot)", as: Float.self)
        guard data.shape == entry.shape else {
          throw CheckpointError(
            file: path,
            message: "/optimizer/\(entry.name)/\(slot) is \(data.shape), expected \(entry.shape)")
        }
        tensors.append((view, data.values))
      }
    }
    var streams = [String: [UInt64]]()
    for member in try file.openGroup("rng").members() {
      let words = try file.read("rng/\(member.name)", as: Int64.self).values
      guard words.count == 4, words.contains(where: { $0 != 0 }) else {
        throw CheckpointError(file: path, message: "/rng/\(member.name) is not a stream state")
      }
      streams[member.name] = words.map { UInt64(bitPattern: $0) }
    }
    let sampler = try file.readStrings("sampler").first ?? ""
    // Absent from checkpoints of logging steps and of runs from before 2026-12-07.
    let logWindow =
      try file.exists("log_window") ? try file.read("log_window", as: Int64.self).values : []
    let seed = UInt64(bitPattern: try file.attribute("seed", as: Int64.self))
    let optimizerSteps = Int(try file.attribute("optimizer_steps", as: Int64.self))

    for (target, values) in tensors { _ = target.update(fromContentsOf: values) }
    state.streams = RandomStreams(seed: seed, states: streams)
    state.samplerState = Data(sampler.utf8)
    state.logWindow = logWindow
    state.optimizer.stepCount = optimizerSteps
    state.step = metadata.step
    return metadata
  }
}
