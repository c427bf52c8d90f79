import TensorCore

/// Per row of the (n x n) squared distances: the row's maximum and its `capacity` smallest
/// entries ordered by (squared distance, column), kept while the rows stream past in blocks.
///
/// Row i of the reference's matrix is scaled by its maximum before ranking, and that scaling
/// can merge two neighbouring float32 values into a tie, which then breaks by column. The
/// lists are therefore a few entries longer than the ranking needs, so that
/// `NeighbourTable` can redo the order after scaling and prove that nothing beyond the list
/// could have moved in.
struct NeighbourCandidates: @unchecked Sendable {
  let rows: Int
  let capacity: Int
  /// rows x capacity squared distances, each row ascending by (value, column).
  let squared: UnsafeMutablePointer<Float>
  /// rows x capacity columns.
  let columns: UnsafeMutablePointer<Int32>
  /// The filled length of each row.
  let counts: UnsafeMutablePointer<Int32>
  /// The last value of each full row (+inf until full): the cheap test for `offer`.
  let thresholds: UnsafeMutablePointer<Float>
  /// The largest value offered to each row.
  let maxima: UnsafeMutablePointer<Float>

  /// Empty lists; the memory lives until `deallocate()`.
  init(rows: Int, capacity: Int) {
    checkPrecondition(capacity >= 1, "NeighbourCandidates: capacity \(capacity)")
    self.rows = rows
    self.capacity = capacity
    squared = .allocate(capacity: max(rows * capacity, 1))
    columns = .allocate(capacity: max(rows * capacity, 1))
    counts = .allocate(capacity: max(rows, 1))
    counts.initialize(repeating: 0, count: rows)
    thresholds = .allocate(capacity: max(rows, 1))
    thresholds.initialize(repeating: .infinity, count: rows)
    maxima = .allocate(capacity: max(rows, 1))
    maxima.initialize(repeating: 0, count: rows)
  }

  func deallocate() {
    squared.deallocate()
    columns.deallocate()
    counts.deallocate()
    thresholds.deallocate()
    maxima.deallocate()
  }

  /// Offers entry (value, column) to `row`'s list: kept if it is among the `capacity`
  /// smallest by (value, column). Callers test `value <= thresholds[row]` first.
  @inline(__always)
  func offer(row: Int, value: Float, column: Int) {
    let base = row * capacity
    var count = Int(counts[row])
    let column = Int32(truncatingIfNeeded: column)
    if count == capacity {
      let last = base + count - 1
      guard value < squared[last] || (value == squared[last] && column < columns[last]) else {
        return
      }
      count -= 1
    }
    var p = base + count
    while p > base
      && (squared[p - 1] > value || (squared[p - 1] == value && columns[p - 1] > column))
    {
      squared[p] = squared[p - 1]
      columns[p] = columns[p - 1]
      p -= 1
    }
    squared[p] = value
    columns[p] = column
    counts[row] = Int32(count + 1)
    if count + 1 == capacity { thresholds[row] = squared[base + capacity - 1] }
  }

  /// The squared distance of (row, column) if the list holds it.
  @inline(__always)
  func lookup(row: Int, column: Int) -> Float? {
    let base = row * capacity
    let column = Int32(truncatingIfNeeded: column)
    for p in base..<base + Int(counts[row]) where columns[p] == column { return squared[p] }
    return nil
  }
}
