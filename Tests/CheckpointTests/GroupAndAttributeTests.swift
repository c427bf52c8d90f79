import Checkpoint
import TensorCore
import XCTest

/// Groups, member listing, existence checks, attributes and typed errors about them.
final class GroupAndAttributeTests: CheckpointTestCase {
  func testNestedGroupsAndMemberListing() throws {
    let file = path("groups.h5")
    do {
      let writer = try HDF5File.create(at: file)
      let deep = try writer.createGroup("a/b/c")
      XCTAssertEqual(deep.path, "/a/b/c")
      try deep.write([Float(1)], shape: [1], to: "leaf")
      try writer.write([Int64(3)], shape: [1], to: "a/count")
      try writer.write(["x"], to: "a/b/names")
      try writer.createGroup("z")
      let z = try writer.requireGroup("z")
      XCTAssertEqual(z.path, "/z")
      try writer.close()
    }
    let reader = try HDF5File.open(file)
    XCTAssertEqual(
      try reader.members(),
      [GroupMember(name: "a", kind: .group), GroupMember(name: "z", kind: .group)])
    let a = try reader.openGroup("a")
    XCTAssertEqual(
      try a.members(),
      [GroupMember(name: "b", kind: .group), GroupMember(name: "count", kind: .dataset)])
    XCTAssertEqual(try a.openGroup("b").members().map(\.description), ["c/", "names"])
    XCTAssertEqual(try reader.openGroup("/a/b/c").members().map(\.name), ["leaf"])
    XCTAssertEqual(try reader.openGroup("z").members(), [])
    XCTAssertEqual(try a.readTensor("b/c/leaf").scalars, [1])

    for present in ["/", "a", "/a/b", "a/b/c/leaf", "a/count"] {
      XCTAssertTrue(try reader.exists(present), present)
    }
    for absent in ["b", "a/x", "a/x/y", "/a/b/c/leaf/deeper", "nothing/at/all"] {
      XCTAssertFalse(try reader.exists(absent), absent)
    }
  }

  func testAttributesOnFileGroupAndDataset() throws {
    let file = path("attributes.h5")
    do {
      let writer = try HDF5File.create(at: file)
      try writer.setAttribute("format", "reid-checkpoint")
      try writer.setAttribute("version", Int64(2))
      try writer.setAttribute("note", "Grüße 日本 🧪")
      let group = try writer.createGroup("params")
      try group.setAttribute("step", Int64(-12_345_678_901))
      try group.setAttribute("loss", 0.125)
      let dataset = try group.write(Tensor(shape: [2], scalars: [1, 2]), to: "w")
      try dataset.setAttribute("layout", "(out, in)")
      try dataset.setAttribute("scale", Float(0.5))
      try group.setAttribute("step", Int64(7))  // replaces
      try writer.close()
    }
    let reader = try HDF5File.open(file)
    XCTAssertEqual(try reader.attributeNames(), ["format", "note", "version"])
    XCTAssertEqual(try reader.stringAttribute("format"), "reid-checkpoint")
    XCTAssertEqual(try reader.stringAttribute("note"), "Grüße 日本 🧪")
    XCTAssertEqual(try reader.attribute("version", as: Int64.self), 2)
    let group = try reader.openGroup("params")
    XCTAssertEqual(try group.attributeNames(), ["loss", "step"])
    XCTAssertEqual(try group.attribute("step", as: Int64.self), 7)
    XCTAssertEqual(try group.attribute("loss", as: Double.self), 0.125)
    XCTAssertEqual(try group.attributeType("loss"), .float64)
    let dataset = try group.openDataset("w")
    XCTAssertEqual(try dataset.stringAttribute("layout"), "(out, in)")
    XCTAssertEqual(try dataset.attribute("scale", as: Float.self), 0.5)
    XCTAssertTrue(try dataset.hasAttribute("layout"))
    XCTAssertFalse(try dataset.hasAttribute("missing"))
  }

  func testTypedErrorsNameFileObjectAndExpectation() throws {
    let file = path("model.h5")
    let writer = try HDF5File.create(at: file)
    try writer.write([Int64(1), 2], shape: [2], to: "params/conv.weight")
    try writer.setAttribute("step", "not a number")
    try writer.close()

    let reader = try HDF5File.open(file)
    let mismatch = expectHDF5Error { _ = try reader.readTensor("params/conv.weight") }
    XCTAssertEqual(mismatch?.kind, .typeMismatch(expected: "float32", found: "int64"))
    XCTAssertEqual(
      mismatch?.description, "\(file): /params/conv.weight: expected float32, found int64")

    let missing = expectHDF5Error { _ = try reader.openDataset("params/bias") }
    XCTAssertEqual(missing?.kind, .notFound)
    XCTAssertEqual(missing?.description, "\(file): /params/bias: no such object")

    let wrongKind = expectHDF5Error { _ = try reader.openDataset("params") }
    XCTAssertEqual(wrongKind?.kind, .wrongObjectKind(expected: "dataset", found: "group"))
    let notGroup = expectHDF5Error { _ = try reader.openGroup("params/conv.weight") }
    XCTAssertEqual(notGroup?.kind, .wrongObjectKind(expected: "group", found: "dataset"))

    let attribute = expectHDF5Error { _ = try reader.attribute("step", as: Int64.self) }
    XCTAssertEqual(
      attribute?.description, "\(file): / (attribute step): expected int64, found string")
    XCTAssertEqual(expectHDF5Error { _ = try reader.stringAttribute("nope") }?.kind, .notFound)

    XCTAssertEqual(expectHDF5Error { try reader.createGroup("g") }?.kind, .readOnly)
    XCTAssertEqual(expectHDF5Error { try reader.setAttribute("a", "b") }?.kind, .readOnly)
    try reader.close()
    XCTAssertEqual(expectHDF5Error { _ = try reader.members() }?.kind, .closed)
  }

  func testReadWriteModeAddsAndRemoves() throws {
    let file = path("rw.h5")
    try HDF5File.create(at: file).close()
    do {
      let editor = try HDF5File.open(file, mode: .readWrite)
      try editor.write([UInt8(1), 2, 3], shape: [3], to: "data/bytes")
      XCTAssertEqual(
        expectHDF5Error { try editor.write([UInt8(9)], shape: [1], to: "data/bytes") }?.kind,
        .alreadyExists)
      try editor.write([Float(1)], shape: [1], to: "data/gone")
      try editor.remove("data/gone")
      try editor.setAttribute("epoch", Int64(3))
      try editor.close()
    }
    let reader = try HDF5File.open(file)
    XCTAssertEqual(try reader.openGroup("data").members().map(\.name), ["bytes"])
    XCTAssertEqual(try reader.read("data/bytes", as: UInt8.self).values, [1, 2, 3])
    XCTAssertEqual(try reader.attribute("epoch", as: Int64.self), 3)
  }

  func testObjectsKeepTheFileOpenUntilReleased() throws {
    let file = path("lifetime.h5")
    do {
      let writer = try HDF5File.create(at: file)
      try writer.write(Tensor(shape: [3], scalars: [1, 2, 3]), to: "g/x")
      try writer.close()
    }
    let dataset = try HDF5File.open(file).openGroup("g").openDataset("x")
    XCTAssertEqual(try dataset.readTensor().scalars, [1, 2, 3])
    XCTAssertEqual(dataset.filePath, file)
  }
}
