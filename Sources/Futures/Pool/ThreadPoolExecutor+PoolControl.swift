/// Watching and pacing a running pool: statistics, waiting for idleness, and an async submit that waits
/// for room in a bounded queue.
extension ThreadPoolExecutor {
    /// A consistent snapshot of the pool's threads, queue and task counts.
    ///
    /// Cheap: one lock and a copy of a few integers (and, while workers hold runs of tasks taken from a
    /// long queue, a look at each worker's run); safe from any thread, as often as you like.
    ///
    /// ```swift
    /// let stats = pool.statistics
    /// print("\(stats.busyThreads)/\(stats.threads) busy, \(stats.queued) queued, \(stats.failed) failed")
    /// ```
    public var statistics: ThreadPoolStatistics {
        core.statistics
    }

    /// Blocks until every task submitted so far has finished: none is queued or running.
    ///
    /// The pool's `wait_completion`: wait for fire-and-forget work without holding its futures. A task
    /// counts as finished once it ran (its future is done and its callbacks have run), or was found
    /// cancelled, or was taken out by a shutdown or a broken pool. Tasks submitted by other threads while
    /// this waits are waited for too, so with producers that never pause it may wait for theirs as well;
    /// it returns as soon as the pool is idle. Jobs of Swift tasks running on the pool are not counted.
    ///
    /// - Parameter timeout: how long to wait at most; `nil` waits as long as it takes.
    /// - Throws: ``FutureError/timedOut`` if `timeout` passed first (the work goes on);
    ///   ``FutureError/invalidState(_:)`` when called from a task of this pool, which would wait for
    ///   itself.
    /// - Complexity: O(1), however many tasks are queued: one registration, woken once when the pool is idle.
    @available(*, noasync, message: "blocks the thread; use 'try await pool.waitUntilIdle()' in async code")
    public func waitUntilIdle(timeout: Duration? = nil) throws {
        try core.waitUntilIdle(until: Deadline.after(timeout))
    }

    /// Suspends, without blocking a thread, until every task submitted so far has finished.
    ///
    /// The same as the blocking ``waitUntilIdle(timeout:)``, for async code.
    ///
    /// ```swift
    /// for event in events { _ = try await pool.submitWaitingForRoom { handle(event) } }
    /// try await pool.waitUntilIdle(timeout: .seconds(30))
    /// ```
    ///
    /// - Parameter timeout: how long to wait at most; `nil` waits as long as it takes.
    /// - Throws: ``FutureError/timedOut`` if `timeout` passed first; `CancellationError` if the task was
    ///   cancelled first. Neither stops the work.
    /// - Complexity: O(1), however many tasks are queued: one registration, woken once when the pool is idle.
    public func waitUntilIdle(timeout: Duration? = nil) async throws {
        try await core.waitUntilIdleAsync(until: Deadline.after(timeout))
    }

    /// Schedules `work` like ``submit(_:)``, but when the bounded queue is full, suspends the task until
    /// there is room instead of blocking its thread, whatever ``ThreadPoolConfiguration/whenFull`` says.
    ///
    /// Waiting submitters get room in the order they came. With no ``ThreadPoolConfiguration/maxQueued``
    /// it never suspends. Unlike `submit`, it carries the calling task's task-local values into the work
    /// (a task per future: about 3 µs, and about 1.5 KB while it waits; see
    /// <doc:BlockingWorkInAsyncCode#What-reaches-the-work-task-local-values-and-cancellation>).
    ///
    /// ```swift
    /// let pool = ThreadPoolExecutor(maxWorkers: 4, configuration: .init(maxQueued: 64))
    /// for await line in lines {
    ///     _ = try await pool.submitWaitingForRoom { try store(line) }   // back-pressure on the stream
    /// }
    /// ```
    ///
    /// - Parameter work: the closure to run on a worker; its value or error goes into the future.
    /// - Returns: a pending future for the work.
    /// - Throws: `CancellationError` if the task is cancelled before the work is queued (it then never
    ///   runs); ``ExecutorError/shutDown`` or ``ExecutorError/broken(_:)`` if the pool is, or while
    ///   waiting becomes, shut down or broken.
    public func submitWaitingForRoom<T: Sendable>(
        _ work: @escaping @Sendable () throws -> T
    ) async throws -> Future<T> {
        let future = core.makeFuture(TaskLocalCarrier.carrying(work))
        try await core.submitWaitingForRoom(future.queuedTask)
        return future
    }
}
