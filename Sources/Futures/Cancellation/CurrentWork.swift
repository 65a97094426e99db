/// Questions that blocking work asks about itself while it runs: is its result still wanted, and what to
/// do the moment it no longer is.
///
/// Cancellation never interrupts work by force. Work that may run long checks
/// ``isCancellationRequested`` between steps, or registers a handler that unblocks the call it waits in:
///
/// ```swift
/// let future = try pool.submit {
///     for chunk in chunks {
///         try CurrentWork.checkCancellation()
///         try process(chunk)
///     }
/// }
/// future.requestCancellation()  // the loop throws CancellationError at its next check
/// ```
///
/// The request reaches running work from:
/// - ``Future/requestCancellation()`` on its future (``Future/cancel()`` keeps Python's meaning and
///   never touches running work);
/// - the task awaiting ``ThreadPoolExecutor/run(_:)`` (and the other `run` and async `map` forms) being
///   cancelled;
/// - a `map`, `invokeAll` or `invokeAny` that no longer needs the result (it failed, timed out, or
///   another task won), and a streaming map whose consumer stopped;
/// - a deadline given to ``ThreadPoolExecutor/submit(deadline:priority:_:)`` that passed while the work
///   ran;
/// - `shutdown(cancelFutures: true)` of the pool the work runs on.
///
/// Work that honours the request usually throws `CancellationError` (``checkCancellation()`` does): its
/// future then finishes with that error, in state ``Future/State/finished``.
///
/// Outside pool work these calls still answer: on a thread running a Swift task (a job the pool runs as a
/// `TaskExecutor`, or any other), ``isCancellationRequested`` is that task's `Task.isCancelled`; on any
/// other thread it is `false`, and a handler is never called.
public enum CurrentWork {
    /// Whether the work running on this thread was asked to stop. Cheap enough to check in a loop: a
    /// thread-local read and a few atomic loads, no lock.
    ///
    /// `true` once ``Future/requestCancellation()`` reached the running future, its deadline passed, its
    /// pool was shut down with `cancelFutures: true`, or (in a Swift task) the task is cancelled.
    public static var isCancellationRequested: Bool {
        if let slot = WorkerContext.currentSlot {
            let work = slot.current
            if let work, work.isCancellationRequested { return true }
            if slot.pool.runningWorkCancellation.isRequested {
                // The pool's request, seen by this work: its future records it too.
                work?.requestCancellation()
                return true
            }
        }
        return Task.isCancelled
    }

    /// Throws `CancellationError` if the work running on this thread was asked to stop (see
    /// ``isCancellationRequested``).
    ///
    /// - Throws: `CancellationError`.
    public static func checkCancellation() throws {
        if isCancellationRequested { throw CancellationError() }
    }

    /// Runs `operation`, calling `onCancel` if the running work is asked to stop meanwhile: to close the
    /// descriptor a blocking `read` waits on, or to cancel a database query, so that the blocking call
    /// returns early.
    ///
    /// ```swift
    /// let data = try await pool.run {
    ///     try CurrentWork.withCancellationHandler {
    ///         try socket.readAll()  // blocks in read(2)
    ///     } onCancel: {
    ///         socket.shutdown()     // makes read(2) return
    ///     }
    /// }
    /// ```
    ///
    /// `onCancel` runs at most once, on the thread that makes the request (the caller of
    /// ``Future/requestCancellation()``, the thread cancelling the awaiting task, the deadline's timer, or
    /// the caller of `shutdown(cancelFutures: true)`), while `operation` goes on running here: it must be
    /// safe to call concurrently with `operation`, and quick. If the request came before this call,
    /// `onCancel` runs at once on this thread, and then `operation` runs. It never runs after this call
    /// returns: if it is running on another thread when `operation` ends, this call waits for it first.
    ///
    /// Outside pool work (see ``CurrentWork``), `onCancel` is never called.
    ///
    /// - Parameters:
    ///   - operation: the blocking work.
    ///   - onCancel: what to do when the work is asked to stop.
    /// - Returns: what `operation` returned.
    /// - Throws: what `operation` threw.
    public static func withCancellationHandler<T, E: Error>(
        operation: () throws(E) -> T, onCancel: @escaping @Sendable () -> Void
    ) throws(E) -> T {
        guard let slot = WorkerContext.currentSlot else { return try operation() }
        let handler = CancellationHandler(onCancel)
        let work = slot.current
        let pool = slot.pool.runningWorkCancellation
        var requested = false
        if let work, !work.addCancellationHandler(handler) { requested = work.isCancellationRequested }
        if !pool.add(handler) { requested = true }
        defer {
            handler.close()
            work?.removeCancellationHandler(handler)
            pool.remove(handler)
        }
        if requested { handler.run() }
        return try operation()
    }
}
