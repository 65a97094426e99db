/// Submitting to a lane of the queue: ``WorkPriority/high`` work starts before waiting
/// ``WorkPriority/normal`` and ``WorkPriority/background`` work, and no lane starves.
extension ThreadPoolExecutor {
    /// How many times in a row a lane with tasks waiting is passed over for the lanes above it before its
    /// oldest task starts next: a waiting task's lane gets at least one of every `lanePassLimit + 2` tasks
    /// that start.
    public static var lanePassLimit: Int { WorkLanes.passLimit }

    /// Schedules `work` in the `priority` lane of the queue and returns its future at once.
    ///
    /// ```swift
    /// let page = try pool.submit(priority: .high) { try render(request) }
    /// ```
    ///
    /// Otherwise the same as ``submit(_:)``, which uses the ``WorkPriority/normal`` lane: the same rules for
    /// a full bounded queue (which counts the tasks of every lane), the same errors. The lane decides only
    /// which waiting task starts next (see ``WorkPriority``).
    ///
    /// - Parameters:
    ///   - priority: the lane the task waits in.
    ///   - work: the closure to run; its value or error goes into the future.
    /// - Returns: a pending future for the work (finished, if it ran on the caller).
    /// - Throws: what ``submit(_:)`` throws.
    @inlinable
    public func submit<T: Sendable>(
        priority: WorkPriority, _ work: @escaping @Sendable () throws -> T
    ) throws -> Future<T> {
        let future = core.makeSubmittedFuture(work)
        try core.submit(future.queuedTask, lane: priority)
        return future
    }

    /// Runs blocking `work` on the pool from the `priority` lane of the queue and awaits its result,
    /// without blocking any thread.
    ///
    /// ```swift
    /// let report = try await pool.run(priority: .background) { try buildReport() }
    /// ```
    ///
    /// Otherwise the same as ``run(_:)``, which uses the ``WorkPriority/normal`` lane.
    ///
    /// - Parameters:
    ///   - priority: the lane the task waits in.
    ///   - work: the blocking closure to run on a worker.
    /// - Returns: the value `work` returned.
    /// - Throws: what ``run(_:)`` throws.
    public func run<T: Sendable>(
        priority: WorkPriority, _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await runInTask(lane: priority, work)
    }

    /// Schedules `work` in the `priority` lane like ``submit(priority:_:)``, but when the bounded queue is
    /// full, suspends the task until there is room, as ``submitWaitingForRoom(_:)`` does.
    ///
    /// - Parameters:
    ///   - priority: the lane the task waits in.
    ///   - work: the closure to run on a worker; its value or error goes into the future.
    /// - Returns: a pending future for the work.
    /// - Throws: what ``submitWaitingForRoom(_:)`` throws.
    public func submitWaitingForRoom<T: Sendable>(
        priority: WorkPriority, _ work: @escaping @Sendable () throws -> T
    ) async throws -> Future<T> {
        let future = core.makeFuture(TaskLocalCarrier.carrying(work))
        try await core.submitWaitingForRoom(future.queuedTask, lane: priority)
        return future
    }
}
