import Foundation
import Harness
import Models
import Optim
import TensorCore
import XCTest

final class CheckpointStoreTests: XCTestCase {
  func makeState(seed: UInt64) -> TrainingState {
    let parameters = ParameterSlab()
    let w = parameters.register("layer.weight", shape: [3, 2])
    _ = parameters.register("layer.bias", shape: [3])
    let buffers = ParameterSlab(hasGradients: false)
    _ = buffers.register("bn.running_mean", shape: [3])
    var init_ = RandomStream(seed: seed, name: "init")
    for i in 0..<parameters.count { parameters.allValues[i] = init_.nextNormal() }
    parameters.values(w)[0] = Float(seed)
    let sgd = SGD(slab: parameters, options: .init(momentum: 0.9))
    var streams = RandomStreams(seed: seed)
    streams["init"] = init_
    return TrainingState(
      parameters: parameters, buffers: buffers, optimizer: sgd, streams: streams,
      samplerState: Data("{\"epoch\":1}".utf8))
  }

  /// One fake training step: deterministic gradients from the `data` stream, an SGD update.
  func advance(_ state: TrainingState) {
    var data = state.streams["data"]
    for i in 0..<state.parameters.count { state.parameters.allGradients[i] = data.nextNormal() }
    state.streams["data"] = data
    state.buffers.allValues[0] += 1
    state.optimizer.step(lr: 0.1)
    state.step += 1
    state.samplerState = Data("{\"epoch\":\(state.step)}".utf8)
  }

  func bits(_ state: TrainingState) -> [UInt32] {
    (Array(state.parameters.allValues) + Array(state.buffers.allValues)
      + Array(
        state.optimizer.slot("momentum_buffer") ?? UnsafeMutableBufferPointer(start: nil, count: 0)))
      .map(\.bitPattern)
  }

  func metadata(_ state: TrainingState, run: String = "run1") -> CheckpointMetadata {
    CheckpointMetadata(
      runID: run, step: state.step, config: "seed: 1\n", blasCore: "Haswell", blasThreads: 2)
  }

  func temporaryStore(keep: Int = 2) -> CheckpointStore {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ckpt-\(UUID().uuidString)")
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return CheckpointStore(directory: dir, keep: keep)
  }

  func testResumeRestoresEverythingAndContinuesBitIdentically() throws {
    let store = temporaryStore()
    let reference = makeState(seed: 3)
    for _ in 0..<7 { advance(reference) }

    let first = makeState(seed: 3)
    for _ in 0..<3 { advance(first) }
    try store.save(first, metadata: metadata(first))
    let resumed = makeState(seed: 99)
    var warnings = [String]()
    let used = store.resume(into: resumed, runID: "run1") { warnings.append($0) }
    XCTAssertEqual(used?.lastPathComponent, "step-000003.h5")
    XCTAssertEqual(warnings, [])
    XCTAssertEqual(resumed.step, 3)
    XCTAssertEqual(resumed.optimizer.stepCount, 3)
    XCTAssertEqual(String(decoding: resumed.samplerState, as: UTF8.self), "{\"epoch\":3}")
    XCTAssertEqual(bits(resumed), bits(first))
    for _ in 3..<7 { advance(resumed) }
    XCTAssertEqual(bits(resumed), bits(reference))
  }

  func testKeepsTheLastKAndFallsBackFromATruncatedNewest() throws {
    let store = temporaryStore(keep: 2)
    let state = makeState(seed: 1)
    var saved = [[UInt32]]()
    for _ in 0..<3 {
      advance(state)
      try store.save(state, metadata: metadata(state))
      saved.append(bits(state))
    }
    XCTAssertEqual(store.checkpoints().map(\.step), [3, 2])
    // Truncate the newest, as a crash of the disk or a copy might.
    let newest = store.path(step: 3)
    let data = try Data(contentsOf: newest)
    try data.prefix(data.count / 2).write(to: newest)
    let resumed = makeState(seed: 1)
    var warnings = [String]()
    let used = store.resume(into: resumed, runID: "run1") { warnings.append($0) }
    XCTAssertEqual(used?.lastPathComponent, "step-000002.h5")
    XCTAssertEqual(warnings.count, 1)
    XCTAssertTrue(warnings[0].contains("step-000003.h5"), warnings[0])
    XCTAssertEqual(bits(resumed), saved[1])
    // The bad file is moved aside, so it no longer outranks new checkpoints: with keep 1 it
    // used to make every new checkpoint the one pruned.
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: newest.path + ".corrupt"), "kept for inspection")
    let single = CheckpointStore(directory: store.directory, keep: 1)
    try single.save(resumed, metadata: metadata(resumed))
    XCTAssertEqual(single.checkpoints().map(\.step), [2])
  }

  func testACheckpointOfAnotherRunOrModelIsSkipped() throws {
    let store = temporaryStore()
    let state = makeState(seed: 1)
    advance(state)
    try store.save(state, metadata: metadata(state, run: "other"))
    let target = makeState(seed: 2)
    let before = bits(target)
    var warnings = [String]()
    XCTAssertNil(store.resume(into: target, runID: "run1") { warnings.append($0) })
    XCTAssertTrue(warnings.first?.contains("belongs to run other") ?? false)
    XCTAssertEqual(bits(target), before, "a rejected checkpoint leaves the state untouched")

    let bigger = ParameterSlab()
    _ = bigger.register("layer.weight", shape: [3, 2])
    _ = bigger.register("extra.weight", shape: [1])
    let mismatched = TrainingState(
      parameters: bigger, buffers: state.buffers, optimizer: SGD(slab: bigger, options: .init()),
      streams: RandomStreams(seed: 1))
    warnings = []
    try store.save(state, metadata: metadata(state, run: "other"))  // the first was moved aside
    XCTAssertNil(store.resume(into: mismatched, runID: "other") { warnings.append($0) })
    XCTAssertTrue(warnings.first?.contains("extra.weight") ?? false, "\(warnings)")
  }

  /// A run's weights.h5 is named as what it is, not as an incomplete checkpoint.
  func testAWeightsFileIsNotACheckpoint() throws {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("weights-\(UUID().uuidString).h5").path
    addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    let slabs = ModelSlabs()
    _ = slabs.parameters.register("layer.weight", shape: [2])
    try WeightsFile.save(slabs, architecture: "test", to: path)
    XCTAssertThrowsError(try CheckpointStore.metadata(of: path)) {
      XCTAssertTrue("\($0)".contains("not a training checkpoint"), "\($0)")
      XCTAssertTrue("\($0)".contains("weights file"), "\($0)")
    }
  }

  func testParameterDigestDependsOnlyOnParameters() throws {
    let store = temporaryStore(keep: 5)
    let a = makeState(seed: 1)
    advance(a)
    let fileA = try store.save(a, metadata: metadata(a))
    let b = makeState(seed: 1)
    advance(b)
    b.buffers.allValues[0] = 42
    b.step = 9
    let fileB = try store.save(b, metadata: metadata(b, run: "other"))
    XCTAssertEqual(
      try CheckpointStore.parameterDigest(of: fileA.path),
      try CheckpointStore.parameterDigest(of: fileB.path))
    advance(b)
    let fileC = try store.save(b, metadata: metadata(b))
    XCTAssertNotEqual(
      try CheckpointStore.parameterDigest(of: fileA.path),
      try CheckpointStore.parameterDigest(of: fileC.path))
    XCTAssertEqual(try CheckpointStore.metadata(of: fileC.path).step, 10)
  }
}
