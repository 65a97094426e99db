/// Thrown by ``ThreadPoolExecutor/submit(_:)`` under ``QueueFullPolicy/reject`` when the queue is full.
/// The work was not queued and will not run.
public struct QueueFullError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The pool's ``ThreadPoolConfiguration/maxQueued``.
    public let maxQueued: Int

    /// A readable description of the error.
    public var description: String {
        "QueueFullError: the pool's queue already holds maxQueued (\(maxQueued)) tasks; the work was not queued"
    }
}
