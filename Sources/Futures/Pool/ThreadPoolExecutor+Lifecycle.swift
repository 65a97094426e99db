/// The pool's lifecycle as Java's `ExecutorService` reports it: whether it takes work, whether it has
/// finished, waiting a bounded time for it to finish, and a shutdown that hands back what it cancelled.
extension ThreadPoolExecutor {
    /// Whether the pool takes no more work: ``shutdown(wait:cancelFutures:)-6vakt`` (or ``shutdownNow()``) was
    /// called, or an initializer threw and broke the pool. Every `submit` then throws.
    ///
    /// Java's `isShutdown`. Queued and running work may still be going on; see ``isTerminated``.
    public var isShutdown: Bool {
        core.state.withLock { $0.isShutDownOrBroken }
    }

    /// Whether the pool is shut down (``isShutdown``) and finished: nothing is queued or running, and
    /// every worker thread has left the pool, after its ``WorkerLocal`` cleanups and its
    /// ``ThreadPoolHooks/workerExiting`` hook.
    ///
    /// Java's `isTerminated`: never `true` before a shutdown. (A job of a Swift task that runs on the pool
    /// as its `TaskExecutor` and is enqueued after termination starts a thread again for as long as it
    /// runs: the runtime requires every job to run.)
    public var isTerminated: Bool {
        core.state.withLock { $0.isTerminated }
    }

    /// Blocks until the pool has terminated (see ``isTerminated``) or `timeout` passes.
    ///
    /// Java's `awaitTermination`, but like `waitUntilIdle(timeout:)` it throws on a timeout instead of
    /// returning `false`, so a forgotten check cannot go unnoticed. It does not shut the pool down: call
    /// `shutdown(wait: false)` first, as in Java; on a pool that stays open it waits until the timeout.
    ///
    /// ```swift
    /// pool.shutdown(wait: false)
    /// do {
    ///     try pool.awaitTermination(timeout: .seconds(30))
    /// } catch FutureError.timedOut {
    ///     let dropped = pool.shutdownNow()   // give up on the queue; running tasks still finish
    ///     print("cancelled \(dropped.count) tasks that never started")
    ///     try pool.awaitTermination()
    /// }
    /// ```
    ///
    /// - Parameter timeout: how long to wait at most; `nil` waits as long as it takes. Zero or less checks
    ///   once.
    /// - Throws: ``FutureError/timedOut`` if `timeout` passed first (nothing changes: the work goes on);
    ///   ``FutureError/invalidState(_:)`` when called from a task of this pool, which would wait for
    ///   itself.
    @available(*, noasync, message: "blocks the thread; use 'try await pool.awaitTermination()' in async code")
    public func awaitTermination(timeout: Duration? = nil) throws {
        try core.awaitTermination(until: Deadline.after(timeout))
    }

    /// Suspends, without blocking a thread, until the pool has terminated (see ``isTerminated``) or
    /// `timeout` passes.
    ///
    /// The same as the blocking `awaitTermination(timeout:)`, for async code.
    ///
    /// - Parameter timeout: how long to wait at most; `nil` waits as long as it takes.
    /// - Throws: ``FutureError/timedOut`` if `timeout` passed first; `CancellationError` if the task was
    ///   cancelled first. Neither stops the work.
    public func awaitTermination(timeout: Duration? = nil) async throws {
        try await core.awaitTerminationAsync(until: Deadline.after(timeout))
    }

    /// Shuts the pool down, cancels every future that has not started, and returns those futures.
    ///
    /// Java's `shutdownNow`: the same as `shutdown(wait: false, cancelFutures: true)`, and it tells you
    /// what it cancelled — to log it, retry it elsewhere or report it. It does not wait: running tasks
    /// finish in the background (nothing interrupts running code); follow it with
    /// `awaitTermination(timeout:)` to wait for them. Every returned future is already cancelled when
    /// this returns, so its waiters and callbacks have seen it.
    ///
    /// ```swift
    /// let cancelled = pool.shutdownNow()
    /// for future in cancelled { log("never ran: \(future)") }
    /// try pool.awaitTermination(timeout: .seconds(10))
    /// ```
    ///
    /// Safe from any thread, including a task of this pool. After a plain `shutdown` it still cancels what
    /// is queued; a second `shutdownNow` returns `[]`, since the pool took no work after the first.
    ///
    /// - Returns: the futures that were queued, had not started and were not cancelled before, in the
    ///   order they were queued (a task a worker had already taken for its next run comes first). Futures
    ///   of ``Executor/run(_:)`` and of the maps are included: they are futures of the pool like any other.
    @discardableResult
    public func shutdownNow() -> [AnyFuture] {
        core.shutdownNow()
    }
}

extension ThreadPoolCore {
    /// Blocks until the pool has terminated or `deadline` passes, then joins the exited threads.
    ///
    /// - Throws: ``FutureError/timedOut``; ``FutureError/invalidState(_:)`` on a worker of this pool.
    func awaitTermination(until deadline: Deadline?) throws(FutureError) {
        if WorkerContext.currentPool === self {
            throw .invalidState("awaitTermination() called on a worker of the same pool, which would wait for itself")
        }
        let parker = Parker.current
        while state.withLock({ $0.awaitTermination(parker) }) {
            let woken = parker.park(until: deadline)
            state.withLock { $0.terminationWaitEnded(parker) }
            if !woken, deadline?.hasPassed ?? false {
                if state.withLock({ $0.isTerminated }) { break }
                throw .timedOut
            }
        }
        // Every worker has left its loop: joining only waits out the last instructions of each thread.
        joinWorkerThreads()
    }

    /// Suspends until the pool has terminated, `deadline` passes or the task is cancelled.
    ///
    /// - Throws: ``FutureError/timedOut``; `CancellationError`.
    func awaitTerminationAsync(until deadline: Deadline?) async throws {
        while true {
            let event = AsyncEvent()
            guard state.withLock({ $0.awaitTermination(event) }) else { break }
            await event.waitUnlessCancelled(until: deadline)
            state.withLock { $0.terminationWaitEnded(event) }
            if Task.isCancelled || (deadline?.hasPassed ?? false) {
                if state.withLock({ $0.isTerminated }) { break }
                try Task.checkCancellation()
                throw FutureError.timedOut
            }
        }
        joinWorkerThreads()
    }

    /// `shutdown(wait: false, cancelFutures: true)` that returns the futures it cancelled.
    func shutdownNow() -> [AnyFuture] {
        var cancelled: [AnyFuture] = []
        perform(state.withLock { $0.shutdown(cancelFutures: true) }, failure: ExecutorError.shutDown) { task in
            // Every task of a pool is a future; one the user cancelled before kept its place in the queue.
            guard let target = task.object as? any WaitTarget else { return task.cancelQueued() }
            let wasDone = target.completionStatus.isDone
            task.cancelQueued()
            if !wasDone, target.completionStatus == .cancelled { cancelled.append(AnyFuture(target: target)) }
        }
        runningWorkCancellation.request()
        return cancelled
    }
}

extension QueuedTaskOutcome {
    /// The task's work ran (and succeeded or failed).
    var ranWork: Bool {
        switch self {
        case .succeeded, .failed: return true
        case .cancelled, .notRun: return false
        }
    }
}
