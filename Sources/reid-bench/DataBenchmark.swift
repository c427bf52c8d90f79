import Foundation
import ImageIO
import ReIDData
import TensorCore

/// Data loading throughput on one thread (what the prefetch thread has), beside what training
/// consumes, so it is clear whether loading keeps up.
///
/// Inputs are 128x64 JPEGs (Market-1501's size, quality 90) of synthetic pedestrians, read
/// from files through the real `BatchBuilder` (file read, decode, resize, flip, pad-crop,
/// normalize, erasing) in batches of 8.
struct DataBenchmark {
  var budget: Double

  /// Images per second training consumes, by input size: assumptions until the trainer
  /// measures its own. 256x128: a mini backbone on 2 cores at ~10 img/s (batch 8 in ~0.8 s).
  /// 748x246: the paper's two full streams, ~8.6x the pixels, at ~1 img/s.
  static let trainingRates: [(height: Int, width: Int, imagesPerSecond: Double, note: String)] = [
    (256, 128, 10, "mini backbone, batch 8 (assumed)"),
    (748, 246, 1, "paper-size two streams, batch 13 (assumed)"),
  ]

  func run() throws {
    print("\n## Data: decode + augment on one thread vs what training consumes\n")
    let folder = NSTemporaryDirectory() + "reid-bench-data-\(getpid())"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var items = [DataItem]()
    for i in 0..<32 {
      let (image, _) = SyntheticGenerator.person(
        seed: UInt64(i), facingCamera: i % 2 == 0, width: 64, height: 128)
      let path = folder + "/\(i).jpg"
      try JPEG.write(image, to: path, quality: 90)
      items.append(DataItem(imagePath: path, label: i / 4, camera: 0))
    }
    let decoder = try JPEGDecoder()
    var decoded = 0
    let decodeSeconds = Timing.median(budget: budget) {
      for item in items { decoded += (try? decoder.read(item.imagePath))?.width ?? 0 }
    }
    print("| step | input | output | images/s | training consumes | headroom |")
    print("|---|---|---|---:|---:|---:|")
    print(
      "| read + decode | 128x64 JPEG | - | \(Format.number(Double(items.count) / decodeSeconds, 0)) "
        + "| | |")
    for rate in Self.trainingRates {
      let builder = BatchBuilder(
        items: items, augmentation: .training(height: rate.height, width: rate.width), seed: 1,
        mirrorLabels: false)
      let sampler = try BatchSampler(
        labels: items.map(\.label), strategy: .identityBalanced(p: 2, k: 4), seed: 1)
      var source = try BatchSource(sampler: sampler, builder: builder)
      var failures = 0
      let seconds = Timing.median(budget: budget) {
        do { _ = try source.next() } catch { failures += 1 }
      }
      let perSecond = 8 / seconds
      print(
        "| read + decode + augment, batch 8 | 128x64 JPEG | \(rate.height)x\(rate.width) "
          + "| \(Format.number(perSecond, 0)) | \(Format.number(rate.imagesPerSecond, 0)) "
          + "(\(rate.note)) | \(Format.number(perSecond / rate.imagesPerSecond, 0))x |")
      if failures > 0 { print("(\(failures) batches failed)") }
    }
  }
}
