/// The pool seen from async code: `run` and `map` that suspend instead of blocking, and a `shutdown` that
/// awaits the workers' exit.
extension ThreadPoolExecutor {
    /// Runs blocking `work` on the pool and awaits its result, without blocking any thread.
    ///
    /// ```swift
    /// let bytes = try await pool.run { try blockingRead(fd, count: 4096) }
    /// ```
    ///
    /// The work runs *inside the awaiting task*, on a worker of the pool: the task-local values bound
    /// where `run` is called (a request id, a tracing context) are visible in the work, and
    /// `Task.isCancelled` there reads the awaiting task's cancellation. Nothing is left behind on the
    /// worker for the next task.
    ///
    /// ```swift
    /// let rows = try await RequestContext.$id.withValue(id) {
    ///     try await pool.run { try query(db, tag: RequestContext.id) }  // sees `id`
    /// }
    /// ```
    ///
    /// Otherwise the same as ``Executor/run(_:)``: cancelling the task cancels the work if it has not
    /// started (it never runs, and `run` throws `CancellationError` at once) and, if it has, asks it to
    /// stop (``CurrentWork``) and waits for it. The call counts as one task of the pool (statistics, task
    /// hooks, `shutdown(cancelFutures:)`, the normal ``WorkPriority`` lane). When the pool has a bounded
    /// queue that is full, the task suspends until there is room, whatever
    /// ``ThreadPoolConfiguration/whenFull`` says, since blocking or running the work on the caller's thread
    /// would park a cooperative thread. (Called through `any Executor`, the generic `run` submits a future
    /// instead, follows `whenFull`, and carries no task-local values.)
    ///
    /// - Parameter work: the blocking closure to run on a worker.
    /// - Returns: the value `work` returned.
    /// - Throws: the error `work` threw; `CancellationError` if the task was cancelled before the work
    ///   started; ``FutureError/cancelled`` if a shutdown cancelled it; ``ExecutorError/shutDown``,
    ///   ``ExecutorError/broken(_:)`` or ``ThreadStartError`` if the pool could not take it.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await runInTask(lane: .normal, work)
    }

    /// `run`'s body, for every lane: queues the call and runs the work inside this task on the worker
    /// that takes it (see ``RunInTask``).
    func runInTask<T: Sendable>(
        lane: WorkPriority, deadline: DeadlineEntry? = nil, _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try Task.checkCancellation()
        let call = RunInTask(work: work, hooks: configuration.hooks)
        if let deadline { DeadlineTimer.arm(deadline, on: call) }
        // Once the call is over, its deadline no longer matters: the timer lets go of it.
        defer { if let deadline { DeadlineTimer.disarm(deadline) } }
        if configuration.maxQueued == nil {
            // Queued when the task's job arrives: `submit` never waits for room here.
            call.submitOnArrival(to: core, lane: lane)
        } else {
            try await core.submitWaitingForRoom(call.queuedTask, lane: lane)
        }
        return try await withTaskCancellationHandler {
            try await withTaskExecutorPreference(call) { try call.perform() }
        } onCancel: {
            call.taskCancelled()
        }
    }

    /// Applies `transform` to every item on the pool and awaits the results in input order, without
    /// blocking any thread.
    ///
    /// ```swift
    /// let digests = try await pool.map(paths, timeout: .seconds(30)) { path in try sha256(path) }
    /// ```
    ///
    /// The async form of the pool's blocking `map`, with the same default chunk size (about eight
    /// chunks per worker when `chunkSize` is `nil`) and the same rules as ``Executor/map(_:timeout:chunkSize:_:)-7a4vk``.
    /// Cancelling the task cancels the chunks that have not started, asks the running ones to stop, waits
    /// for them, and throws `CancellationError`. The calling task's task-local values are visible in
    /// `transform` (each chunk carries them: about 3 µs per chunk, and about 1.5 KB while it waits).
    ///
    /// - Parameters:
    ///   - items: the inputs; an empty sequence returns `[]` at once.
    ///   - timeout: one deadline for the whole call; `nil` waits as long as it takes.
    ///   - chunkSize: items per task; `nil` lets the pool pick. Must be at least 1.
    ///   - transform: the function to apply on the pool's threads.
    /// - Returns: `transform` of each item, in input order.
    /// - Throws: the first error in input order, ``FutureError/timedOut``, `CancellationError`, or what
    ///   ``submit(_:)`` throws. On each, the tasks that have not started are cancelled.
    /// - Complexity: O(*n*) for *n* items, plus O(1) per completion: each task is submitted once and waited on once.
    @inlinable
    public func map<S: Sequence, T: Sendable>(
        _ items: S, timeout: Duration? = nil, chunkSize: Int? = nil,
        _ transform: @escaping @Sendable (S.Element) throws -> T
    ) async throws -> [T] where S.Element: Sendable {
        let deadline = Deadline.after(timeout)
        let elements = Array(items)
        return try await MapOperation(
            executor: self, items: elements, chunkSize: chunkSize ?? defaultChunkSize(for: elements.count),
            carriesTaskLocals: true, transform: transform
        ).runWaitingOnCancel(deadline: deadline)
    }

    /// Shuts the pool down and waits for its workers to exit, suspending rather than blocking.
    ///
    /// The async form of the blocking, `noasync` `shutdown(wait: true, cancelFutures:)`: when it returns,
    /// every started task has finished and every worker thread has exited, and no thread was blocked
    /// meanwhile.
    ///
    /// ```swift
    /// let pool = ThreadPoolExecutor(maxWorkers: 4)
    /// let size = try await pool.run { try fileSize(path) }
    /// await pool.shutdown()
    /// ```
    ///
    /// - Parameter cancelFutures: if `true`, cancels every future that has not started before it
    ///   suspends; if `false`, queued work still runs first.
    public func shutdown(cancelFutures: Bool = false) async {
        await shutdownAsync(cancelFutures: cancelFutures)
    }

    /// Shuts the pool down from async code; with `wait: true`, suspends (never blocks) until the workers
    /// have exited.
    ///
    /// The async twin of the blocking `shutdown(wait:cancelFutures:)`, with the same parameters, so
    /// that `await pool.shutdown(wait: false, cancelFutures: true)` reads as the blocking call does.
    /// `wait: false` returns at once: queued work (unless cancelled) and running work go on in the
    /// background.
    ///
    /// - Parameters:
    ///   - wait: if `true`, suspends until every started task has finished and every worker thread has
    ///     exited.
    ///   - cancelFutures: if `true`, cancels every future that has not started before it returns.
    public func shutdown(wait: Bool, cancelFutures: Bool = false) async {
        if wait {
            await shutdownAsync(cancelFutures: cancelFutures)
        } else {
            core.shutdown(wait: false, cancelFutures: cancelFutures)
        }
    }

    func shutdownAsync(cancelFutures: Bool = false) async {
        core.shutdown(wait: false, cancelFutures: cancelFutures)
        await core.waitForWorkersToExitAsync()
    }
}
