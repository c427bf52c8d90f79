/// Stops the program with `message` when `condition` is false, in every build configuration.
///
/// Swift's `precondition` drops its message in optimized builds, and the project always runs
/// optimized; a shape error must still say which shapes disagreed. Like `precondition`, this
/// is for programmer errors only: bad input from files or users throws a typed error instead.
/// Never put work with side effects in `condition`.
@inlinable
@inline(__always)
public func checkPrecondition(
  _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
  file: StaticString = #fileID, line: UInt = #line
) {
  if !condition() { fatalError(message(), file: file, line: line) }
}
