import Synchronization

/// The eventual result of work that runs on another thread: a value, an error, or cancellation.
///
/// An executor's ``Executor/submit(_:)`` returns a future at once; the work runs later on one of the
/// executor's threads. Hold the future to ask about the work, wait for its result, cancel it while it has
/// not started, or be called back when it is done.
///
/// ```swift
/// let pool = ThreadPoolExecutor(maxWorkers: 4)
/// let future = try pool.submit { try String(contentsOfFile: "/etc/hostname", encoding: .utf8) }
/// future.addDoneCallback { print("done:", $0.state) }
/// print(try future.result(timeout: .seconds(5)))
/// ```
///
/// ## States
/// A future starts `pending`. An executor moves it to `running` when a thread starts the work, then to
/// `finished` with the work's value or error. A pending future can be `cancelled` instead; its work then
/// never runs. A producer may also set a result on a pending future directly (pending → finished).
/// `finished` and `cancelled` are final, and both count as *done*.
///
/// ## Threads
/// Every method may be called from any thread. Blocking calls (``result(timeout:)``, ``error(timeout:)``)
/// sleep on a wait primitive; from `async` code use ``value`` instead, which suspends without blocking.
/// Callbacks added before the future is done run on the thread that completes it, before that thread's
/// ``setResult(_:)``, ``setError(_:)`` or ``cancel()`` returns; a callback added to a done future runs at
/// once on the caller's thread. No callback runs while a lock is held, so a callback may call any method
/// of its own future.
///
/// Futures compare by identity.
public final class Future<Value: Sendable>: Sendable, Hashable {
    /// Where a future is in its life.
    public enum State: Sendable, Equatable, CustomStringConvertible {
        /// Not started; may still be cancelled.
        case pending
        /// The work is running; it can no longer be cancelled.
        case running
        /// Cancelled before it started. Done.
        case cancelled
        /// The work returned a value or threw an error. Done.
        case finished

        /// The state's name, as in `"pending"`.
        public var description: String {
            switch self {
            case .pending: return "pending"
            case .running: return "running"
            case .cancelled: return "cancelled"
            case .finished: return "finished"
            }
        }
    }

    /// The machine summed up in one byte, copied after every event (see ``FutureStateMachine/summary``): how
    /// the future ended, if it is done, and whether it keeps an error no caller has read. Read without the
    /// lock by the group waits (``completionStatus``) and by `deinit`: a deinitializer cannot be specialized
    /// for `Value`, and each generic type it touched would cost a run-time metadata lookup on every future
    /// freed. (It takes the first byte after the object's header, at an offset that does not depend on
    /// `Value`, and comes *before* the lock: the lock's empty `Void` value sits just after the lock's word,
    /// and the thread sanitizer reports each locked access to it as a write at that address, which would
    /// clash with the lock-free reads of a field placed there.)
    @usableFromInline let summary: Atomic<UInt8>
    /// Guards ``machine``.
    @usableFromInline let lock: Locked<Void>
    /// The future's state, read and written only inside ``withMachine(_:)`` (and by `deinit`, which is alone).
    /// Kept beside the lock rather than inside a generic `Mutex`, and with a layout that does not depend on
    /// `Value` (see ``StoredValue``), so that freeing a future looks up no type metadata.
    @usableFromInline @exclusivity(unchecked) nonisolated(unsafe) var machine: FutureStateMachine<Value>
    /// Where the future was put in its pool's queue (see ``WorkQueue/append(_:)``), so that a worker waiting
    /// for it finds it there in O(1) to run it itself. Written and read only with that pool's lock held;
    /// only a hint: the queue checks that the entry it points to is this future. (Declared last, it takes
    /// the four bytes left after the machine: a future still fits in 56 bytes of heap.)
    @usableFromInline nonisolated(unsafe) var queueTicket: UInt32

    /// Runs `body` on the state machine with the lock held.
    @inlinable
    func withMachine<Result, E: Error>(
        _ body: (inout FutureStateMachine<Value>) throws(E) -> Result
    ) throws(E) -> Result {
        try lock.withLock { _ throws(E) -> Result in
            defer { summary.store(machine.summary, ordering: .releasing) }
            return try body(&machine)
        }
    }

    /// Makes a pending future with no work attached, for executor implementers and tests: complete it with
    /// ``setRunningOrNotifyCancel()``, ``setResult(_:)`` and ``setError(_:)``.
    @inlinable
    public init() {
        lock = Locked(())
        summary = Atomic(0)
        machine = FutureStateMachine(work: nil)
        queueTicket = 0
    }

    /// A pending future that carries its own work, as the thread pool makes them: the queue holds the
    /// future, and whichever thread claims it runs the work.
    @inlinable
    init(work: @escaping @Sendable () throws -> Value) {
        lock = Locked(())
        summary = Atomic(0)
        machine = FutureStateMachine(work: work)
        queueTicket = 0
    }

    deinit {
        // Nothing else can reach the future now (the last release ordered every earlier write before this).
        // The one place a stored value is destroyed: the machine's own layout holds it as plain bytes.
        if case .succeeded(let stored) = machine.phase { stored.destroy(as: Value.self) }
        guard summary.load(ordering: .relaxed) & FutureStateMachine<Value>.unreadErrorBit != 0,
            let error = machine.unretrievedError
        else { return }
        FutureAttachment.reportUnretrieved(error, attachment: machine.attachment)
    }

    // MARK: Reading the state

    /// The future's current state. It may change as soon as it is read, unless it is done.
    @inlinable
    public var state: State { withMachine { $0.state } }

    /// Whether the future was cancelled.
    @inlinable
    public var isCancelled: Bool { state == .cancelled }

    /// Whether the work is running now.
    @inlinable
    public var isRunning: Bool { state == .running }

    /// Whether the future is done: cancelled or finished.
    ///
    /// Reads one atomic byte and takes no lock.
    @inlinable
    public var isDone: Bool { completionStatus.isDone }

    /// How the future ended, if it is done: one atomic read, no lock (the byte is written with the lock
    /// held, after every event). What `wait`, `asCompleted` and ``isDone`` read.
    @inlinable
    var completionStatus: CompletionStatus {
        OperationCounters.countStatusRead()
        return CompletionStatus(summary: summary.load(ordering: .acquiring))
    }

    // MARK: Cancelling

    /// Cancels the future if its work has not started.
    ///
    /// On success the future is done at once: its callbacks run on this thread before `cancel()` returns,
    /// and every `wait`, `asCompleted` or blocked ``result(timeout:)`` sees it right away.
    ///
    /// - Returns: `true` if the future is now cancelled (also if it was already); `false` if the work is
    ///   running or finished.
    @discardableResult
    @inlinable
    public func cancel() -> Bool {
        switch withMachine({ $0.cancel() }) {
        case .notify(let completion):
            run(completion)
            return true
        case .alreadyCancelled:
            return true
        case .refuse:
            return false
        }
    }

    // MARK: Waiting

    /// Waits for the work and returns its value.
    ///
    /// Called on a worker of a ``ThreadPoolExecutor`` for a future of the same pool whose work has not
    /// started, the worker runs that work itself instead of waiting (so a task may submit more tasks and
    /// wait for them even on a pool of one thread); the call then returns when the work is done, which may
    /// be after `timeout`. A `timeout` of zero or less only polls and never runs work inline.
    ///
    /// - Parameter timeout: how long to wait at most; `nil` waits as long as it takes. Zero or negative
    ///   checks once without waiting.
    /// - Returns: the value the work returned.
    /// - Throws: the work's own error, as it was thrown; ``FutureError/cancelled`` if the future was
    ///   cancelled; ``FutureError/timedOut`` if `timeout` passed first (the work goes on).
    @available(*, noasync, message: "blocks the thread; use 'try await future.value' in async code")
    @inlinable
    public func result(timeout: Duration? = nil) throws -> Value {
        try waitForResult(until: Deadline.after(timeout)).get()
    }

    /// Waits for the work and returns its error, or `nil` if it succeeded.
    ///
    /// Waits like ``result(timeout:)``.
    ///
    /// - Parameter timeout: how long to wait at most; `nil` waits as long as it takes.
    /// - Returns: the error the work threw, or `nil` if it returned a value.
    /// - Throws: ``FutureError/cancelled`` if the future was cancelled; ``FutureError/timedOut`` if
    ///   `timeout` passed first.
    @available(*, noasync, message: "blocks the thread; use 'try await future.value' in async code")
    @inlinable
    public func error(timeout: Duration? = nil) throws -> (any Error)? {
        switch try waitForResult(until: Deadline.after(timeout)) {
        case .success: return nil
        case .failure(let error): return error
        }
    }

    /// Blocks until the future is done or `deadline` passes. Runs the work inline when the caller is a
    /// worker of the pool that queued it.
    @inlinable
    func waitForResult(until deadline: Deadline?) throws(FutureError) -> Result<Value, any Error> {
        if let result = try doneResult() { return result }
        if waitUntilDone(until: deadline), let result = try doneResult() { return result }
        throw .timedOut
    }

    /// The blocking part of ``waitForResult(until:)``, kept out of line (it runs once per real wait):
    /// returns whether the future is done, `false` if `deadline` passed first. It reads no result, so the
    /// unspecialized code touches no generic type but the future itself: reading the result here cost
    /// about twenty run-time metadata lookups per wait, some 7,000 instructions (W2), where the caller,
    /// specialized for `Value`, reads it for nothing.
    @usableFromInline
    func waitUntilDone(until deadline: Deadline?) -> Bool {
        // A deadline already passed (a zero or negative timeout) only polls: no work inline, no spin.
        if let deadline, deadline.hasPassed { return completionStatus.isDone }
        if runInlineIfQueuedHere(), completionStatus.isDone { return true }
        if WaiterSpin.until({ completionStatus.isDone }) { return true }
        return blockUntilDone(until: deadline)
    }

    /// The result if done; `nil` if not done.
    @inlinable
    func doneResult() throws(FutureError) -> Result<Value, any Error>? {
        try Self.result(of: withMachine { $0.retrieveOutcome() })
    }

    @inlinable
    static func result(of outcome: FutureStateMachine<Value>.Outcome) throws(FutureError) -> Result<Value, any Error>? {
        switch outcome {
        case .notDone: return nil
        case .cancelled: throw .cancelled
        case .finished(let result): return result
        }
    }

    // MARK: Callbacks

    /// Calls `callback` with this future once it is done.
    ///
    /// Callbacks run exactly once, in the order they were added. One added before the future is done runs
    /// on the thread that completes it (a pool worker, or the thread calling ``cancel()``,
    /// ``setResult(_:)`` or ``setError(_:)``), before that call returns. One added to a done future runs at
    /// once, on this thread, before `addDoneCallback` returns. No lock is held while it runs: it may call
    /// ``result(timeout:)`` or `addDoneCallback` on the same future.
    ///
    /// - Parameter callback: called with this future when it is done. Keep it short when it runs on a
    ///   pool worker: the worker takes no other work while it runs.
    @inlinable
    public func addDoneCallback(_ callback: @escaping @Sendable (Future<Value>) -> Void) {
        if !withMachine({ $0.addListener(.callback(callback)) }) {
            callback(self)
        }
    }

    /// Registers `observer` to be told when the future is done. Returns `false` (and registers nothing) if
    /// it is done already. Inlinable, so that the group waits and streaming maps that call it per future
    /// reach the state machine specialized for `Value` (unspecialized, each call looked up the machine's
    /// type metadata at run time).
    @inlinable
    func addObserver(_ observer: any CompletionObserver) -> Bool {
        withMachine { $0.addListener(.observer(observer)) }
    }

    @inlinable
    func removeObserver(_ observer: any CompletionObserver) {
        withMachine { $0.removeObserver(observer) }
    }

    /// Cancels the future if it has not started, asks its work to stop if it is running, and, whatever
    /// happens to it, never reports its error as unread: for futures their owner abandons (`map` after a
    /// failure or a timeout).
    @usableFromInline
    func abandon() {
        withMachine { $0.discardOutcome() }
        requestCancellation()
    }

    // MARK: The executor's side

    /// Marks the future as running, or reports that it was cancelled.
    ///
    /// An executor calls this just before it starts the work: if it returns `false`, the future was
    /// cancelled and the work must not run. A cancelled future's waiters and callbacks were told when it
    /// was cancelled, so nothing more happens here.
    ///
    /// - Returns: `true` if the future moved from pending to running; `false` if it was cancelled.
    /// - Throws: ``FutureError/invalidState(_:)`` if the future is already running or finished.
    @inlinable
    public func setRunningOrNotifyCancel() throws -> Bool {
        let (started, _) = try withMachine { machine throws(FutureError) in try machine.setRunningOrNotifyCancel() }
        return started
    }

    /// Completes the future with a value. Callbacks added so far run on this thread before it returns.
    ///
    /// - Parameter value: the result; waiters and ``result(timeout:)`` receive it.
    /// - Throws: ``FutureError/invalidState(_:)`` if the future is already finished or cancelled.
    @inlinable
    public func setResult(_ value: Value) throws {
        try complete(.success(value), by: "setResult(_:)")
    }

    /// Completes the future with an error. Callbacks added so far run on this thread before it returns.
    ///
    /// - Parameter error: the failure; ``result(timeout:)`` rethrows it and ``error(timeout:)`` returns it.
    /// - Throws: ``FutureError/invalidState(_:)`` if the future is already finished or cancelled.
    @inlinable
    public func setError(_ error: any Error) throws {
        try complete(.failure(error), by: "setError(_:)")
    }

    @inlinable
    func complete(_ result: Result<Value, any Error>, by call: StaticString) throws(FutureError) {
        let completion = try withMachine { machine throws(FutureError) in try machine.finish(result, by: call) }
        run(completion)
    }

    /// Tells the observers, then runs the callbacks in order. Called with no lock held.
    @inlinable
    func run(_ completion: FutureStateMachine<Value>.Completion) {
        for case .observer(let observer) in completion.listeners {
            observer.futureDidComplete(ObjectIdentifier(self), failed: completion.failed)
        }
        for case .callback(let callback) in completion.listeners {
            callback(self)
        }
    }

    // MARK: Hashable

    /// Futures are equal only to themselves.
    @inlinable
    public static func == (lhs: Future, rhs: Future) -> Bool { lhs === rhs }

    /// Hashes the future's identity.
    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

extension Future {
    /// Runs the stored work if the future is still pending. `beforeCompleting` is called with how the
    /// task ended once the work has returned and before the future is completed (at once if there was
    /// nothing to run: cancelled, or claimed by another thread); see ``QueuedTask/runQueued(beforeCompleting:)``.
    ///
    /// While the work runs, `slot` (the worker's, `nil` off a worker) shows this future as the running
    /// work, for ``CurrentWork``; it is empty again after. (A worker that runs a task inline while another
    /// waits puts the waiting one back itself: see ``WorkerSlot/runningInline(_:)``.)
    @inlinable
    func runQueued(in slot: Unmanaged<WorkerSlot>?, beforeCompleting: (QueuedTaskOutcome) -> Void = { _ in }) {
        guard let work = withMachine({ $0.claimWork() }) else {
            return beforeCompleting(withMachine { $0.endedUnstarted } ? .cancelled : .notRun)
        }
        slot?._withUnsafeGuaranteedRef { $0.current = self }
        let result = Result { try work() }
        slot?._withUnsafeGuaranteedRef { $0.current = nil }
        beforeCompleting(result.isFailure ? .failed : .succeeded)
        // Only a user's own setResult/setError on a running future can make this fail; theirs stands.
        try? complete(result, by: "the executor finishing the work")
    }

    /// The future as a pool's queue entry, with a handler specialized for `Value` where this is inlined.
    @inlinable
    var queuedTask: QueuedTask {
        QueuedTask(self) { object, command, beforeCompleting in
            let future = unsafeDowncast(object, to: Future<Value>.self)
            switch command {
            case .run(let slot): future.runQueued(in: slot, beforeCompleting: beforeCompleting)
            case .cancel: future.cancel()
            case .fail(let error): try? future.complete(.failure(error), by: "the executor failing queued work")
            case .noteTicket(let ticket): future.queueTicket = ticket
            }
        }
    }
}
