/// The states of a future and every transition between them, with no locks and no side effects.
///
/// Each event is a `mutating` method that returns what the caller must do once the lock is released
/// (notify listeners, release the work closure). ``Future`` holds one of these beside its lock and
/// touches it only with the lock held (`Future.withMachine`).
///
/// ```
///   pending ──setRunningOrNotifyCancel / claimWork──▶ running ──finish──▶ succeeded / failed
///      │ └───────────────finish (a producer sets a result without running)─────▶ succeeded / failed
///      └──cancel──▶ cancelled
/// ```
/// Beside the phase, ``cancellationRequested`` records a request that the running work stop
/// (``requestCancellation()``, ``expire(_:)``); it changes no phase, and the handlers the work registered
/// for it (``addCancellationHandler(_:)``) wait among the listeners until it comes.
/// - `pending`: not started; carries the work closure when an executor made the future.
/// - `running`: the work has started; it can no longer be cancelled.
/// - `succeeded` / `failed`: holds the work's value or error (the public ``Future/State`` calls both
///   `finished`). Terminal. The value is kept as a ``StoredValue``, so the machine's layout is the same
///   for every `Value`; `Future`'s `deinit` destroys it.
/// - `cancelled`: cancelled before it started; the work will never run. Terminal.
///
/// Listeners (callbacks and observers) wait in `listeners` until the future is done; the transition into a
/// terminal state hands them all back, once, to be run in order.
@usableFromInline
struct FutureStateMachine<Value: Sendable> {
    @usableFromInline typealias Work = @Sendable () throws -> Value

    /// Where the future is in its life, with what that phase holds: the work before it runs, the value or
    /// the error after.
    @usableFromInline
    enum Phase {
        case pending(Work?)
        case running
        /// Owns a `Value`, destroyed only by `Future`'s `deinit` (the phase is terminal).
        case succeeded(StoredValue)
        case failed(any Error)
        case cancelled
    }

    // Declared in this order so the machine packs into 27 bytes, whatever `Value` is.
    @usableFromInline var listeners: [Listener<Value>] = []
    @usableFromInline var phase: Phase
    /// Whether a failure's error reached a caller (see ``FutureAttachment/reportUnretrieved(_:attachment:)``).
    @usableFromInline var errorRetrieved = false
    /// Whether someone asked the work to stop (``Future/requestCancellation()``, a passed deadline).
    @usableFromInline var cancellationRequested = false

    @inlinable
    init(work: Work?) {
        phase = .pending(work)
    }

    @inlinable
    var state: Future<Value>.State {
        switch phase {
        case .pending: return .pending
        case .running: return .running
        case .succeeded, .failed: return .finished
        case .cancelled: return .cancelled
        }
    }

    /// The outcome once done: the work's result, or `nil` if cancelled. `.none` while not done.
    @usableFromInline
    enum Outcome {
        case notDone
        case cancelled
        case finished(Result<Value, any Error>)
    }

    @inlinable
    var outcome: Outcome {
        switch phase {
        case .pending, .running: return .notDone
        case .cancelled: return .cancelled
        case .succeeded(let stored): return .finished(.success(stored.value(as: Value.self)))
        case .failed(let error): return .finished(.failure(error))
        }
    }

    /// ``outcome`` for a caller that hands the error on: marks a failure as retrieved.
    @inlinable
    mutating func retrieveOutcome() -> Outcome {
        if case .failed = phase { errorRetrieved = true }
        return outcome
    }

    /// The owner gives up on the outcome (a `map` that threw already): a failure is not reported as
    /// unread.
    @inlinable
    mutating func discardOutcome() {
        errorRetrieved = true
    }

    /// The error of a failure nobody retrieved; `nil` otherwise.
    @inlinable
    var unretrievedError: (any Error)? {
        guard !errorRetrieved, case .failed(let error) = phase else { return nil }
        return error
    }

    /// The pool's attachment, if it hung one on the future.
    @inlinable
    var attachment: FutureAttachment? {
        if case .attachment(let attachment)? = listeners.first { return attachment }
        return nil
    }

    /// What to do after a transition into a terminal state.
    @usableFromInline
    struct Completion {
        /// Run in this order, after the lock is released.
        @usableFromInline var listeners: [Listener<Value>]
        /// Whether the future finished with an error.
        @usableFromInline var failed: Bool
        /// The work closure the transition dropped, to be released outside the lock (its captures may run
        /// arbitrary `deinit` code).
        @usableFromInline var droppedWork: Work?

        @inlinable
        init(listeners: [Listener<Value>], failed: Bool, droppedWork: Work?) {
            self.listeners = listeners
            self.failed = failed
            self.droppedWork = droppedWork
        }
    }

    // MARK: Events

    @usableFromInline
    enum CancelAction {
        /// Now cancelled: notify the listeners.
        case notify(Completion)
        /// It was cancelled before: nothing to do, but `cancel()` still reports success.
        case alreadyCancelled
        /// Running or finished: it cannot be cancelled.
        case refuse
    }

    /// `cancel()`: succeeds only while pending (and, as in Python, reports success again on a cancelled
    /// future).
    @inlinable
    mutating func cancel() -> CancelAction {
        switch phase {
        case .pending(let work):
            phase = .cancelled
            return .notify(takeCompletion(failed: false, droppedWork: work))
        case .cancelled:
            return .alreadyCancelled
        case .running, .succeeded, .failed:
            return .refuse
        }
    }

    @usableFromInline
    enum RequestAction {
        /// It was pending: now cancelled, as by ``cancel()``; notify the listeners.
        case cancelled(Completion)
        /// Running: the request is recorded; run these handlers (each at most once), outside the lock.
        case runHandlers([CancellationHandler])
        /// Cancelled, or asked before: nothing more to do.
        case alreadyRequested
        /// Finished: too late.
        case refuse
    }

    /// `requestCancellation()`: cancels a pending future; records the request on a running one and hands
    /// back the handlers its work registered.
    @inlinable
    mutating func requestCancellation() -> RequestAction {
        switch phase {
        case .pending:
            guard case .notify(let completion) = cancel() else { return .refuse }
            return .cancelled(completion)
        case .running:
            if cancellationRequested { return .alreadyRequested }
            cancellationRequested = true
            return .runHandlers(takeCancellationHandlers())
        case .cancelled:
            return .alreadyRequested
        case .succeeded, .failed:
            return .refuse
        }
    }

    @usableFromInline
    enum ExpireAction {
        /// It was pending: now failed with the deadline's error; notify the listeners.
        case failed(Completion)
        /// Running: asked to stop, as by ``requestCancellation()``.
        case request(RequestAction)
        /// Done already.
        case none
    }

    /// The future's deadline passed: a pending future fails with `error` (its work will never run); a running
    /// one is asked to stop.
    @inlinable
    mutating func expire(_ error: any Error) -> ExpireAction {
        switch phase {
        case .pending(let work):
            phase = .failed(error)
            cancellationRequested = true
            // Like a cancellation, a missed deadline is not reported as an unread failure.
            errorRetrieved = true
            return .failed(takeCompletion(failed: true, droppedWork: work))
        case .running:
            return .request(requestCancellation())
        case .succeeded, .failed, .cancelled:
            return .none
        }
    }

    /// Registers a handler of the running work, to run when cancellation is requested. Returns `false` (and
    /// registers nothing) if it was requested already, or the future is not running: the caller then runs
    /// the handler itself if ``cancellationRequested``.
    @inlinable
    mutating func addCancellationHandler(_ handler: CancellationHandler) -> Bool {
        guard case .running = phase, !cancellationRequested else { return false }
        listeners.append(.cancellationHandler(handler))
        return true
    }

    /// Removes a handler whose scope ended. No effect if it is not there (it ran, or was never added).
    @inlinable
    mutating func removeCancellationHandler(_ handler: CancellationHandler) {
        listeners.removeAll { entry in
            if case .cancellationHandler(let existing) = entry { return existing === handler }
            return false
        }
    }

    /// Takes the registered cancellation handlers out of the listeners.
    @inlinable
    mutating func takeCancellationHandlers() -> [CancellationHandler] {
        var handlers: [CancellationHandler] = []
        for case .cancellationHandler(let handler) in listeners { handlers.append(handler) }
        if !handlers.isEmpty {
            listeners.removeAll { entry in
                if case .cancellationHandler = entry { return true }
                return false
            }
        }
        return handlers
    }

    /// `setRunningOrNotifyCancel()`: pending → running (returns `true`); on a cancelled future returns
    /// `false` (its listeners were told when it was cancelled).
    @inlinable
    mutating func setRunningOrNotifyCancel() throws(FutureError) -> (Bool, droppedWork: Work?) {
        switch phase {
        case .pending(let work):
            phase = .running
            return (true, work)
        case .cancelled:
            return (false, nil)
        case .running, .succeeded, .failed:
            throw .invalidState("setRunningOrNotifyCancel() on a future that is \(state)")
        }
    }

    /// An executor starts the work it stored: pending(work) → running, handing the work out. `nil` if the
    /// future holds no work or is not pending (cancelled, or already claimed by another thread).
    @inlinable
    mutating func claimWork() -> Work? {
        guard case .pending(let work?) = phase else { return nil }
        phase = .running
        return work
    }

    /// Whether the future ended without its work starting: cancelled, or failed by its deadline (what a
    /// pool counts as cancelled).
    @inlinable
    var endedUnstarted: Bool {
        switch phase {
        case .cancelled: return true
        case .failed(let error): return error is DeadlineExceededError
        case .pending, .running, .succeeded: return false
        }
    }

    /// `setResult` / `setError`: pending or running → finished.
    @inlinable
    mutating func finish(_ result: Result<Value, any Error>, by call: StaticString) throws(FutureError) -> Completion {
        switch phase {
        case .pending(let work):
            phase = Self.finished(result)
            return takeCompletion(failed: result.isFailure, droppedWork: work)
        case .running:
            phase = Self.finished(result)
            return takeCompletion(failed: result.isFailure, droppedWork: nil)
        case .succeeded, .failed, .cancelled:
            throw .invalidState("\(call) on a future that is already \(state)")
        }
    }

    /// The terminal phase for `result`.
    @inlinable
    static func finished(_ result: Result<Value, any Error>) -> Phase {
        switch result {
        case .success(let value): return .succeeded(StoredValue(value))
        case .failure(let error): return .failed(error)
        }
    }

    /// Set in ``summary`` when the machine holds an error no caller has read (see ``FutureAttachment/reportUnretrieved(_:attachment:)``).
    @inlinable static var unreadErrorBit: UInt8 { 4 }

    /// Set in ``summary`` once cancellation was requested or the future was cancelled: what
    /// ``Future/isCancellationRequested`` reads, with no lock.
    @inlinable static var cancellationRequestedBit: UInt8 { 8 }

    /// The machine in one byte, which `Future` copies beside its lock after every event for readers that
    /// take no lock: the ``CompletionStatus`` in the low two bits, ``unreadErrorBit`` when it holds an
    /// error no caller has read (what `Future`'s `deinit` checks), and ``cancellationRequestedBit``.
    @inlinable
    var summary: UInt8 {
        let requested = cancellationRequested ? Self.cancellationRequestedBit : 0
        switch phase {
        case .pending, .running: return CompletionStatus.notDone.rawValue | requested
        case .cancelled: return CompletionStatus.cancelled.rawValue | Self.cancellationRequestedBit
        case .succeeded: return CompletionStatus.succeeded.rawValue | requested
        case .failed:
            return CompletionStatus.failed.rawValue | requested | (errorRetrieved ? 0 : Self.unreadErrorBit)
        }
    }

    /// Adds a listener while not done. Returns `false` if the future is done; the caller then runs the
    /// listener itself, at once.
    @inlinable
    mutating func addListener(_ listener: Listener<Value>) -> Bool {
        guard case .notDone = outcome else { return false }
        listeners.append(listener)
        return true
    }

    /// Removes an observer (a wait that timed out or was cancelled). No effect if it is not there.
    @inlinable
    mutating func removeObserver(_ observer: any CompletionObserver) {
        listeners.removeAll { entry in
            if case .observer(let existing) = entry { return existing === observer }
            return false
        }
    }

    @inlinable
    mutating func takeCompletion(failed: Bool, droppedWork: Work?) -> Completion {
        let taken = listeners
        if case .attachment(let attachment)? = taken.first {
            listeners = [.attachment(attachment)]
        } else {
            listeners = []
        }
        return Completion(listeners: taken, failed: failed, droppedWork: droppedWork)
    }
}

extension Result {
    @inlinable
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
