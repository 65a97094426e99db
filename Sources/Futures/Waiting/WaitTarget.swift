/// How a done future ended, as the group waits see it.
@usableFromInline
enum CompletionStatus: UInt8 {
    case notDone = 0
    case cancelled = 1
    case succeeded = 2
    case failed = 3

    /// The status in the low two bits of a future's summary byte (see ``FutureStateMachine/summary``).
    @inlinable
    init(summary: UInt8) {
        switch summary & 3 {
        case 0: self = .notDone
        case 1: self = .cancelled
        case 2: self = .succeeded
        default: self = .failed
        }
    }

    @inlinable
    var isDone: Bool { self != .notDone }
}

/// A future of any value type, as `wait` and `asCompleted` handle it.
@usableFromInline
protocol WaitTarget: AnyObject, Sendable {
    /// How the future ended, if it is done: one atomic read, no lock.
    var completionStatus: CompletionStatus { get }
    /// Registers `observer`; returns `false` (registering nothing) if the future is already done.
    func addObserver(_ observer: any CompletionObserver) -> Bool
    func removeObserver(_ observer: any CompletionObserver)
    /// On a pool worker, runs the future's work here if it waits in this pool's queue (see
    /// ``Future/runInlineIfQueuedHere()``, the one help-while-waiting path).
    func runInlineIfQueuedHere() -> Bool
    /// Blocks until the future is done or `deadline` passes, without reading its result (an error stays
    /// unread). Returns whether it is done.
    func blockUntilDone(until deadline: Deadline?) -> Bool
    @discardableResult func cancel() -> Bool
}

/// What `wait` and `asCompleted` accept: a ``Future`` or an ``AnyFuture``.
@usableFromInline
protocol WaitElement: Hashable, Sendable {
    var waitTarget: any WaitTarget { get }
}

extension Future: WaitTarget, WaitElement {
    @usableFromInline
    func blockUntilDone(until deadline: Deadline?) -> Bool {
        if completionStatus.isDone { return true }
        let parker = Parker.current
        guard addObserver(parker) else { return true }
        while !completionStatus.isDone {
            if !parker.park(until: deadline), deadline?.hasPassed ?? false {
                removeObserver(parker)
                return completionStatus.isDone
            }
        }
        return true
    }

    @inlinable
    var waitTarget: any WaitTarget { self }
}
