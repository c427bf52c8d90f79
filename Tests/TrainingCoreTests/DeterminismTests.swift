import Checkpoint
import Foundation
import Kernels
import Optim
import TensorCore
import XCTest

/// Same config and seed, same bits; and a run stopped, saved to HDF5 and resumed ends with
/// the bits of an uninterrupted one.
final class DeterminismTests: XCTestCase {
  func testTwoIdenticalTrainingLoopsGiveIdenticalBits() {
    let a = TinyNet(seed: 11)
    let b = TinyNet(seed: 11)
    var lossesA = [Float]()
    var lossesB = [Float]()
    for _ in 0..<12 {
      lossesA.append(a.trainStep())
      lossesB.append(b.trainStep())
    }
    XCTAssertEqual(lossesA.map(\.bitPattern), lossesB.map(\.bitPattern))
    XCTAssertEqual(a.stateBits, b.stateBits)
    XCTAssertNotEqual(TinyNet(seed: 12).stateBits, TinyNet(seed: 11).stateBits)
    XCTAssertLessThan(lossesA.suffix(3).reduce(0, +), lossesA.prefix(3).reduce(0, +), "it learns")
  }

  func testResumingFromAnHDF5CheckpointGivesTheSameBitsAsNotStopping() throws {
    let uninterrupted = TinyNet(seed: 5)
    for _ in 0..<10 { uninterrupted.trainStep() }

    let first = TinyNet(seed: 5)
    for _ in 0..<4 { first.trainStep() }
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("tiny-\(ProcessInfo.processInfo.processIdentifier).h5").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try save(first, to: path)

    let resumed = TinyNet(seed: 999)  // different init, all of it overwritten by the load
    try load(resumed, from: path)
    XCTAssertEqual(resumed.stateBits, first.stateBits)
    for _ in 4..<10 { resumed.trainStep() }
    XCTAssertEqual(resumed.stateBits, uninterrupted.stateBits)
  }

  func save(_ net: TinyNet, to path: String) throws {
    try HDF5File.writeAtomically(to: path) { file in
      for (slab, group) in [(net.parameters, "params"), (net.buffers, "buffers")] {
        for e in slab.entries {
          guard let id = slab.id(of: e.name) else { continue }
          try file.write(
            UnsafeBufferPointer(slab.values(id)), shape: e.shape, to: "\(group)/\(e.name)")
        }
      }
      for e in net.parameters.entries {
        guard let id = net.parameters.id(of: e.name) else { continue }
        for slot in net.optimizer.slotNames {
          guard let view = net.optimizer.slot(slot, of: id) else { continue }
          try file.write(
            UnsafeBufferPointer(view), shape: e.shape, to: "optimizer/\(e.name)/\(slot)")
        }
      }
      for (name, words) in net.streams.states {
        try file.write(words.map { Int64(bitPattern: $0) }, shape: [4], to: "rng/\(name)")
      }
      try file.setAttribute("step", Int64(net.step))
      try file.setAttribute("optimizer_steps", Int64(net.optimizer.stepCount))
      try file.setAttribute("seed", Int64(bitPattern: net.streams.seed))
    }
  }

  func load(_ net: TinyNet, from path: String) throws {
    let file = try HDF5File.open(path)
    for (slab, group) in [(net.parameters, "params"), (net.buffers, "buffers")] {
      for e in slab.entries {
        guard let id = slab.id(of: e.name) else { continue }
        try file.openDataset("\(group)/\(e.name)").read(into: slab.values(id), expecting: e.shape)
      }
    }
    for e in net.parameters.entries {
      guard let id = net.parameters.id(of: e.name) else { continue }
      for slot in net.optimizer.slotNames {
        guard let view = net.optimizer.slot(slot, of: id) else { continue }
        try file.openDataset("optimizer/\(e.name)/\(slot)").read(into: view, expecting: e.shape)
      }
    }
    var states = [String: [UInt64]]()
    for member in try file.openGroup("rng").members() {
      states[member.name] = try file.read("rng/\(member.name)", as: Int64.self).values.map {
        UInt64(bitPattern: $0)
      }
    }
    let seed = UInt64(bitPattern: try file.attribute("seed", as: Int64.self))
    net.streams = RandomStreams(seed: seed, states: states)
    net.step = Int(try file.attribute("step", as: Int64.self))
    net.optimizer.stepCount = Int(try file.attribute("optimizer_steps", as: Int64.self))
  }
}
