/// n sparse float32 rows with ascending column indices: the k-reciprocal feature vectors V.
struct SparseRows: Sendable {
  /// Row i's columns, ascending.
  var columns: [[Int32]]
  /// Row i's values, beside `columns[i]`.
  var values: [[Float]]

  /// The number of rows.
  var count: Int { columns.count }

  /// The number of stored entries.
  var entryCount: Int { columns.reduce(0) { $0 + $1.count } }

  /// Builds n rows in parallel; `row(i, &scratch)` returns row i's (columns, values).
  static func build<Scratch>(
    count: Int, threads: Int, scratch: @Sendable () -> Scratch,
    row: @Sendable (Int, inout Scratch) -> ([Int32], [Float])
  ) -> SparseRows {
    let columns = SharedBuffer<[Int32]>(repeating: [], count: count)
    let values = SharedBuffer<[Float]>(repeating: [], count: count)
    Parallel.forEachChunk(count, workers: threads) { chunk in
      var local = scratch()
      for i in chunk { (columns[i], values[i]) = row(i, &local) }
    }
    return SparseRows(columns: columns.array, values: values.array)
  }
}

/// Per-thread scratch: a stamp per item (a set with O(1) clear) and a dense accumulator.
struct ItemScratch {
  var stamps: [Int]
  var sums: [Float]
  var touched: [Int32] = []

  init(count: Int) {
    stamps = [Int](repeating: -1, count: count)
    sums = [Float](repeating: 0, count: count)
  }
}
