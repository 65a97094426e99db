/// The error `invokeAny(_:timeout:)` throws when no task succeeded: every task's failure, in
/// the order of the tasks.
///
/// ```swift
/// do {
///     let page = try pool.invokeAny(mirrors.map { mirror in { @Sendable in try fetch(mirror) } })
/// } catch let error as AllFailedError {
///     for failure in error.errors { print(failure) }
/// }
/// ```
public struct AllFailedError: Error, Sendable, CustomStringConvertible {
    /// Each task's error, in task order. A task that was cancelled (by a shutdown) contributes
    /// ``FutureError/cancelled``. Empty when no task was given.
    public let errors: [any Error]

    /// Makes the error from every task's failure, in task order.
    ///
    /// - Parameter errors: the failures.
    public init(errors: [any Error]) {
        self.errors = errors
    }

    /// A readable description that lists every failure.
    public var description: String {
        if errors.isEmpty { return "AllFailedError: invokeAny was given no tasks" }
        let list = errors.enumerated().map { "  task \($0.offset): \($0.element)" }.joined(separator: "\n")
        return "AllFailedError: all \(errors.count) tasks failed\n" + list
    }
}
