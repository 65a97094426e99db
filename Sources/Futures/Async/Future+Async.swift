extension Future {
    /// The work's value, awaited without blocking any thread.
    ///
    /// ```swift
    /// let future = try pool.submit { blockingRead(fd) }
    /// let bytes = try await future.value
    /// ```
    ///
    /// The task suspends until the future is done; the thread that completes the future resumes it.
    /// If the awaiting task is cancelled, the await ends at once with `CancellationError`; the future is
    /// *not* cancelled, since others may hold it (``Executor/run(_:)`` cancels the work it submitted).
    ///
    /// - Throws: the work's own error; ``FutureError/cancelled`` if the future was cancelled;
    ///   `CancellationError` if the awaiting task was cancelled first.
    public var value: Value {
        get async throws { try await value(until: nil) }
    }

    /// Awaits the value until `deadline`; throws ``FutureError/timedOut`` after it.
    @usableFromInline
    func value(until deadline: Deadline?) async throws -> Value {
        if let result = try doneResult() { return try result.get() }
        if let deadline, deadline.hasPassed { throw FutureError.timedOut }
        let event = AsyncEvent()
        if addObserver(event) {
            await event.waitUnlessCancelled(until: deadline)
            removeObserver(event)
        }
        if let result = try doneResult() { return try result.get() }
        try Task.checkCancellation()
        throw FutureError.timedOut
    }
}
