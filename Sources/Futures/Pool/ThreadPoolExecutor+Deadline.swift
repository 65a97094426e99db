/// Deadlines: work that has not started by its deadline never starts, and its waiters learn it at the
/// deadline; work running at the deadline is asked to stop.
extension ThreadPoolExecutor {
    /// Schedules `work` to start no later than `deadline`, and returns its future at once.
    ///
    /// ```swift
    /// // A request's lookup is worth doing only within its 200 ms budget.
    /// let row = try pool.submit(deadline: .now + .milliseconds(200)) { try db.lookup(id) }
    /// ```
    ///
    /// If no worker has started the work by `deadline`, the future fails with ``DeadlineExceededError``
    /// at the deadline (a timer fails it, so waiters see it then even while every worker is busy) and the
    /// work never runs; a worker that reaches the task later skips it. If the work is running at the deadline, it is asked to stop, as by
    /// ``Future/requestCancellation()``, and ends as it chooses (see ``CurrentWork``). A deadline that has
    /// passed already fails the future before this call returns.
    ///
    /// Otherwise the same as ``submit(priority:_:)``: the same lanes, the same rules for a full bounded
    /// queue, the same errors.
    ///
    /// - Parameters:
    ///   - deadline: the latest instant the work may start.
    ///   - priority: the lane the task waits in; ``WorkPriority/normal`` by default.
    ///   - work: the closure to run; its value or error goes into the future.
    /// - Returns: a future for the work.
    /// - Throws: what ``submit(_:)`` throws.
    @inlinable
    public func submit<T: Sendable>(
        deadline: ContinuousClock.Instant, priority: WorkPriority = .normal,
        _ work: @escaping @Sendable () throws -> T
    ) throws -> Future<T> {
        let entry = DeadlineEntry(at: deadline)
        let future = core.makeSubmittedFuture(Self.refusingToStartAfter(deadline, disarming: entry, work))
        try core.submit(future.queuedTask, lane: priority)
        DeadlineTimer.arm(entry, on: future)
        return future
    }

    /// Runs blocking `work` on the pool if it can start by `deadline`, and awaits its result without
    /// blocking any thread.
    ///
    /// ```swift
    /// let thumbnail = try await pool.run(deadline: .now + .seconds(1)) { try render(image) }
    /// ```
    ///
    /// The deadline works as in ``submit(deadline:priority:_:)``; otherwise the same as
    /// ``run(priority:_:)``. Cancelling the awaiting task cancels the work if it has not started and asks it
    /// to stop if it has.
    ///
    /// - Parameters:
    ///   - deadline: the latest instant the work may start.
    ///   - priority: the lane the task waits in; ``WorkPriority/normal`` by default.
    ///   - work: the blocking closure to run on a worker.
    /// - Returns: the value `work` returned.
    /// - Throws: ``DeadlineExceededError`` if the work had not started by `deadline`; otherwise what
    ///   ``run(_:)`` throws.
    public func run<T: Sendable>(
        deadline: ContinuousClock.Instant, priority: WorkPriority = .normal,
        _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await runInTask(
            lane: priority, deadline: DeadlineEntry(at: deadline), Self.refusingToStartAfter(deadline, work))
    }

    /// `work`, wrapped so that a worker that reaches it after `deadline` (before the timer failed its
    /// future) does not run it, and so that work that ends disarms its deadline's `entry` (the timer then
    /// holds nothing for it).
    @inlinable
    static func refusingToStartAfter<T: Sendable>(
        _ deadline: ContinuousClock.Instant, disarming entry: DeadlineEntry? = nil,
        _ work: @escaping @Sendable () throws -> T
    ) -> @Sendable () throws -> T {
        {
            if ContinuousClock.now >= deadline { throw DeadlineExceededError(deadline: deadline) }
            defer { if let entry { DeadlineTimer.disarm(entry) } }
            return try work()
        }
    }
}
