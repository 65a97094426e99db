/// What ``ThreadPoolExecutor/submit(_:)`` does when the bounded queue is full.
///
/// Async code should call ``ThreadPoolExecutor/submitWaitingForRoom(_:)`` instead, which suspends
/// without blocking a thread whatever the policy.
public enum QueueFullPolicy: Sendable, Equatable {
    /// Block the submitting thread until a worker takes a task from the queue, then queue the work.
    /// Threads blocked here are woken, and throw ``ExecutorError/shutDown``, when the pool shuts down.
    /// A worker of the pool submitting to its own full pool runs the work itself instead, so a pool
    /// cannot deadlock on its own queue.
    case block
    /// Throw ``QueueFullError`` at once; the work is not queued and never runs.
    case reject
    /// Run the work on the submitting thread, before `submit` returns a finished future, as Java's
    /// `CallerRunsPolicy`: producers slow down to the pool's pace. The hooks around tasks run on that
    /// thread too.
    case runOnCaller
}
