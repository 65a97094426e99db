/// The states of a future and every transition between them, with no locks and no side effects.
///
/// Each event is a `mutating` method that returns what the caller must do once the lock is released
/// (notify listeners, release the work closure). ``Future`` holds one of these in a `Locked` (a mutex).
///
/// ```
///   pending ──setRunningOrNotifyCancel / claimWork──▶ running ──finish──▶ finished
///      │ └───────────────finish (a producer sets a result without running)─────▶ finished
///      └──cancel──▶ cancelled
/// ```
/// - `pending`: not started; carries the work closure when an executor made the future.
/// - `running`: the work has started; it can no longer be cancelled.
/// - `finished`: holds the work's value or error. Terminal.
/// - `cancelled`: cancelled before it started; the work will never run. Terminal.
///
/// Listeners (callbacks and observers) wait in `listeners` until the future is done; the transition into a
/// terminal state hands them all back, once, to be run in order.
@usableFromInline
struct FutureStateMachine<Value: Sendable> {
    @usableFromInline typealias Work = @Sendable () throws -> Value

    @usableFromInline
    enum Phase {
        case pending(Work?)
        case running
        case finished(Result<Value, any Error>)
        case cancelled
    }

    @usableFromInline var phase: Phase
    /// Whether a failure's error reached a caller (see ``UnretrievedErrors``); sits in padding.
    @usableFromInline var errorRetrieved = false
    @usableFromInline var listeners: [Listener<Value>] = []

    @inlinable
    init(work: Work?) {
        phase = .pending(work)
    }

    @inlinable
    var state: Future<Value>.State {
        switch phase {
        case .pending: return .pending
        case .running: return .running
        case .finished: return .finished
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
        case .finished(let result): return .finished(result)
        }
    }

    /// ``outcome`` for a caller that hands the error on: marks a failure as retrieved.
    @inlinable
    mutating func retrieveOutcome() -> Outcome {
        if case .finished(.failure) = phase { errorRetrieved = true }
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
        guard !errorRetrieved, case .finished(.failure(let error)) = phase else { return nil }
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
        case .running, .finished:
            return .refuse
        }
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
        case .running, .finished:
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

    /// `setResult` / `setError`: pending or running → finished.
    @inlinable
    mutating func finish(_ result: Result<Value, any Error>, by call: StaticString) throws(FutureError) -> Completion {
        switch phase {
        case .pending(let work):
            phase = .finished(result)
            return takeCompletion(failed: result.isFailure, droppedWork: work)
        case .running:
            phase = .finished(result)
            return takeCompletion(failed: result.isFailure, droppedWork: nil)
        case .finished, .cancelled:
            throw .invalidState("\(call) on a future that is already \(state)")
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
