import TensorCore

/// Counts of (label, predicted class) pairs over parsing logits: the basis of pixel accuracy
/// and IoU, in evaluation and in the training curves of parsing runs.
struct ParsingConfusion {
  /// Classes (LIP: 20).
  let classes: Int
  /// `counts[label * classes + prediction]`.
  private(set) var counts: [Int]

  /// Empty counts over `classes` classes.
  init(classes: Int) {
    self.classes = classes
    counts = [Int](repeating: 0, count: classes * classes)
  }

  /// Adds every labelled pixel of `logits` (N, h, w, classes) whose label (N, h, w) is a
  /// class: the prediction is the arg-max logit, the first on ties. Other labels (255) are
  /// ignored.
  mutating func add(logits: Tensor, labels: [UInt8]) {
    checkPrecondition(
      logits.shape.rank == 4 && logits.shape[3] == classes
        && labels.count * classes == logits.count,
      "ParsingConfusion: \(labels.count) labels for logits \(logits.shape)")
    let classes = classes
    logits.withUnsafePointer { p in
      for (pixel, label) in labels.enumerated() where Int(label) < classes {
        let row = p + pixel * classes
        var best = 0
        for c in 1..<classes where row[c] > row[best] { best = c }
        counts[Int(label) * classes + best] += 1
      }
    }
  }

  /// Adds counts made elsewhere (another process's share).
  mutating func add(counts other: [Int]) {
    checkPrecondition(other.count == counts.count, "ParsingConfusion: \(other.count) counts")
    for i in counts.indices { counts[i] += other[i] }
  }

  /// The metrics of these counts over `images` images.
  func metrics(images: Int) -> ParsingMetrics {
    ParsingMetrics(confusion: counts, classes: classes, images: images)
  }
}
