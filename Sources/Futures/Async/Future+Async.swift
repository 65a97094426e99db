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
        try await outcome(until: deadline).get()
    }

    /// Suspends until the future is done, `deadline` passes or the task is cancelled, and returns its
    /// result (cancellation of the future as `.failure(FutureError.cancelled)`).
    ///
    /// - Throws: `CancellationError` if the task is cancelled first; ``FutureError/timedOut`` if
    ///   `deadline` passes first.
    @usableFromInline
    func outcome(until deadline: Deadline?) async throws -> Result<Value, any Error> {
        if let outcome = await awaitOutcome(stopping: .onCancelOrAt(deadline)) { return outcome }
        try Task.checkCancellation()
        throw FutureError.timedOut
    }

    /// Suspends until the future is done, whatever happens to the awaiting task, and returns its outcome;
    /// a cancelled future gives `.failure(FutureError.cancelled)`.
    @usableFromInline
    func completion() async -> Result<Value, any Error> {
        // With no early stop, the wait ends only when the future is done.
        await awaitOutcome(stopping: .never) ?? .failure(FutureError.cancelled)
    }

    /// Awaits a future the caller owns, as ``Executor/run(_:)`` does: cancelling the task cancels the
    /// future if it has not started (then throws `CancellationError`), else asks the running work to stop
    /// (``requestCancellation()``) and waits for its outcome.
    func valueCancellingUnstarted() async throws -> Value {
        let result = await withTaskCancellationHandler {
            await completion()
        } onCancel: {
            requestCancellation()
        }
        switch result {
        case .success(let value):
            return value
        case .failure(FutureError.cancelled) where Task.isCancelled:
            throw CancellationError()
        case .failure(let error):
            throw error
        }
    }

    /// The one async wait, under ``value``, ``outcome(until:)`` and ``completion()``: suspends until the
    /// future is done or, with ``AsyncWaitStop/onCancelOrAt(_:)``, the awaiting task is cancelled or the
    /// deadline passes, and returns the outcome if the future is done by then, `nil` if not.
    ///
    /// The task is resumed by the thread that completes the future (through an ``AsyncEvent`` observer,
    /// after the future's lock is released), by a timer task at the deadline, or by the cancellation
    /// handler.
    func awaitOutcome(stopping stop: AsyncWaitStop) async -> Result<Value, any Error>? {
        if let outcome = doneOutcome { return outcome }
        if case .onCancelOrAt(let deadline?) = stop, deadline.hasPassed { return nil }
        let event = AsyncEvent()
        if addObserver(event) {
            switch stop {
            case .never: await event.wait()
            case .onCancelOrAt(let deadline): await event.waitUnlessCancelled(until: deadline)
            }
            removeObserver(event)
        }
        return doneOutcome
    }
}

/// When an async wait for a future may end before the future is done.
enum AsyncWaitStop {
    /// Never: the wait ends when the future is done, whatever happens to the awaiting task.
    case never
    /// When the awaiting task is cancelled, or at the deadline if there is one.
    case onCancelOrAt(Deadline?)
}
