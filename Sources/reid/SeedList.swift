import ArgumentParser
import Foundation

/// `--seeds 1,2,3`.
enum SeedList {
  /// The seeds of a comma-separated list.
  static func parse(_ text: String) throws -> [UInt64] {
    let seeds = text.split(separator: ",", omittingEmptySubsequences: false).map {
      UInt64($0.trimmingCharacters(in: .whitespaces))
    }
    guard !seeds.isEmpty, seeds.allSatisfy({ $0 != nil }) else {
      throw ValidationError(
        "--seeds: expected non-negative integers separated by commas, e.g. 1,2,3")
    }
    return seeds.compactMap { $0 }
  }
}
