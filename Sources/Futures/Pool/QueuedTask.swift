/// A submitted task in a pool's queue: the future that holds the work, and a handler that runs, cancels
/// or fails it.
///
/// The handler is made where `submit` is specialized for the future's value type (it is `@inlinable`), so
/// a worker runs code specialized for the future instead of generic code that looks up type metadata at
/// run time; it captures nothing, so making it allocates nothing.
@usableFromInline
struct QueuedTask: Sendable {
    @usableFromInline
    enum Command {
        /// Run it, showing it in the worker's slot (`nil` off a worker) while it runs. Unretained: the
        /// worker keeps its slot alive, and a retain and release per task would cost as much as the rest.
        case run(Unmanaged<WorkerSlot>?)
        /// Shutdown with `cancelFutures`.
        case cancel
        /// A broken pool.
        case fail(any Error)
        /// Remember where the task waits in the queue (``WorkQueue/nextTicket``), so that a worker waiting
        /// for it can find it in O(1).
        case noteTicket(UInt32)
    }

    /// Carries out a command on the object. For `.run`, calls `beforeCompleting` with how the task ended
    /// after the work returned and before the future is completed (see ``runQueued(beforeCompleting:)``).
    @usableFromInline
    typealias Handler = @Sendable (AnyObject, Command, _ beforeCompleting: (QueuedTaskOutcome) -> Void) -> Void

    @usableFromInline let object: any AnyObject & Sendable
    @usableFromInline let handler: Handler

    @inlinable
    init(_ object: some AnyObject & Sendable, handler: @escaping Handler) {
        self.object = object
        self.handler = handler
    }

    /// Claims and runs the work, unless it was cancelled, failed by its deadline or claimed elsewhere. `beforeCompleting` runs
    /// once the work has returned (at once if there is nothing to run), before anyone can see the future
    /// done: a worker takes its next task or goes on the idle list there, so a caller that submits again
    /// as soon as `result()` returns finds it idle instead of starting another thread.
    /// `slot` is the running worker's (``CurrentWork`` reads the task there); `nil` off a worker.
    func runQueued(in slot: Unmanaged<WorkerSlot>?, beforeCompleting: (QueuedTaskOutcome) -> Void) {
        handler(object, .run(slot), beforeCompleting)
    }

    /// Claims and runs the work; returns how it ended.
    @discardableResult
    func runQueued(in slot: Unmanaged<WorkerSlot>?) -> QueuedTaskOutcome {
        var outcome = QueuedTaskOutcome.notRun
        runQueued(in: slot) { outcome = $0 }
        return outcome
    }

    /// Cancels the work if it has not started.
    func cancelQueued() { handler(object, .cancel, { _ in }) }

    /// Fails the work if it has not started.
    func failQueued(_ error: any Error) { handler(object, .fail(error), { _ in }) }

    /// Tells the future where it will wait in its pool's queue. Called with the pool's lock held, just
    /// before the task is queued; harmless if it is then not queued (a full queue, a shut-down pool).
    func noteTicket(_ ticket: UInt32) { handler(object, .noteTicket(ticket), { _ in }) }
}

/// How a queued task ended, for the pool's statistics.
@usableFromInline
enum QueuedTaskOutcome {
    case succeeded
    case failed
    /// It was cancelled before it started, or its deadline passed first.
    case cancelled
    /// Someone else claimed or completed it (a user's `setRunningOrNotifyCancel` on a pool's future).
    case notRun
}
