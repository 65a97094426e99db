extension Executor {
    /// Runs blocking `work` on the executor and awaits its result, without blocking any thread.
    ///
    /// ```swift
    /// let pool = ThreadPoolExecutor(maxWorkers: 16)
    /// let bytes = try await pool.run { try blockingRead(fd, count: 4096) }
    /// ```
    ///
    /// This is the way to make a blocking call (a C library that does I/O, a file read, a database driver
    /// without an async API) from `async` code: the closure runs on one of the executor's threads while
    /// the calling task is suspended, so none of the few threads of Swift's cooperative pool is parked.
    /// The thread that finishes the work resumes the task, which then continues on its own executor.
    ///
    /// ## Cancellation
    /// Cancelling the awaiting task reaches the work through its future:
    /// - If the task is already cancelled when `run` is called, nothing is submitted and `run` throws
    ///   `CancellationError`.
    /// - If the work has not started, its future is cancelled: the work never runs, and `run` throws
    ///   `CancellationError` at once.
    /// - If the work has started, it cannot be interrupted, and `run` **waits for it to finish**, then
    ///   returns its value or throws its error as if the task had not been cancelled (the outcome is
    ///   real, so it is not thrown away). A blocking call that should stop early must be told by its
    ///   own means, such as a timeout or a closed descriptor.
    ///
    /// `run` waits rather than returning early so that the call stays structured: when it returns, the
    /// closure is no longer running, so a `defer { close(fd) }` around `run { read(fd, …) }` or a task
    /// group that ends after a cancellation never leaves a blocking call behind using what it captured.
    /// To stop waiting at once and leave the work running, use ``Executor/submit(_:)`` and await
    /// ``Future/value``, which ends with `CancellationError` as soon as the task is cancelled.
    ///
    /// ## Threads
    /// `work` runs on one of the executor's threads; the caller's task resumes on its own executor (its
    /// actor, its task executor preference, or the global pool), never on the executor's thread unless
    /// that is the task's preference.
    ///
    /// - Parameter work: the blocking closure to run on the executor.
    /// - Returns: the value `work` returned.
    /// - Throws: the error `work` threw, as it was thrown; `CancellationError` if the task was cancelled
    ///   before the work started; ``FutureError/cancelled`` if the executor cancelled the work (for
    ///   example ``ThreadPoolExecutor/shutdown(wait:cancelFutures:)-6vakt`` with `cancelFutures: true`);
    ///   ``ExecutorError/shutDown`` or ``ExecutorError/broken(_:)`` from ``Executor/submit(_:)``.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try Task.checkCancellation()
        return try await submit(work).valueCancellingUnstarted()
    }

    /// Applies `transform` to every item on the executor's threads and awaits the results in input
    /// order, without blocking any thread.
    ///
    /// ```swift
    /// let sizes = try await pool.map(paths, timeout: .seconds(10)) { path in try fileSize(path) }
    /// ```
    ///
    /// The async form of ``Executor/map(_:timeout:chunkSize:_:)-7a4vk``, with the same submission, ordering,
    /// timeout and error rules: one deadline for the whole call; on a timeout or an error every chunk
    /// that has not started is cancelled and the error is thrown at once, while started chunks finish
    /// on their own.
    ///
    /// Cancelling the task is treated like ``run(_:)`` treats it: the chunks that have not started are
    /// cancelled, the call waits for the chunks already running (at most one per executor thread), and
    /// then throws `CancellationError`. When it throws, no `transform` of this call is still running.
    ///
    /// - Parameters:
    ///   - items: the inputs; an empty sequence returns `[]` at once.
    ///   - timeout: one deadline for the whole call, measured from the call; `nil` waits as long as it
    ///     takes.
    ///   - chunkSize: how many items one task handles; `nil` is one item per task for a generic executor
    ///     (a ``ThreadPoolExecutor`` picks about eight chunks per worker).
    ///     Must be at least 1: the program stops with a message otherwise.
    ///   - transform: the function to apply; it runs on the executor's threads.
    /// - Returns: `transform` of each item, in the order of `items`.
    /// - Throws: the first error thrown by `transform`, in input order; ``FutureError/timedOut`` if the
    ///   deadline passed; `CancellationError` if the task was cancelled; what ``submit(_:)`` throws.
    /// - Complexity: O(*n*) for *n* items, plus O(1) per completion: each task is submitted once and waited on once.
    @inlinable
    public func map<S: Sequence, T: Sendable>(
        _ items: S, timeout: Duration? = nil, chunkSize: Int? = nil,
        _ transform: @escaping @Sendable (S.Element) throws -> T
    ) async throws -> [T] where S.Element: Sendable {
        let deadline = Deadline.after(timeout)
        return try await MapOperation(executor: self, items: items, chunkSize: chunkSize ?? 1, transform: transform)
            .runWaitingOnCancel(deadline: deadline)
    }
}
