/// The error of a future whose deadline passed before its work started (see
/// ``ThreadPoolExecutor/submit(deadline:priority:_:)``). The work never ran.
///
/// Its waiters see it at the deadline, not when a worker would have reached the task. Work already running
/// at the deadline is not failed: it is asked to stop (``CurrentWork/isCancellationRequested``) and ends as
/// it chooses.
public struct DeadlineExceededError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The deadline the work was given.
    public let deadline: ContinuousClock.Instant

    @usableFromInline
    init(deadline: ContinuousClock.Instant) { self.deadline = deadline }

    /// A readable description of the error.
    public var description: String {
        "DeadlineExceededError: the work had not started by its deadline and will not run"
    }
}
