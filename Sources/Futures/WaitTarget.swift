/// How a done future ended, as the group waits see it.
enum CompletionStatus {
    case notDone
    case cancelled
    case succeeded
    case failed

    var isDone: Bool { self != .notDone }
}

/// A future of any value type, as `wait` and `asCompleted` handle it.
protocol WaitTarget: AnyObject, Sendable {
    var completionStatus: CompletionStatus { get }
    /// Registers `observer`; returns `false` (registering nothing) if the future is already done.
    func addObserver(_ observer: any CompletionObserver) -> Bool
    func removeObserver(_ observer: any CompletionObserver)
    /// On a pool worker, runs the future's work here if it waits in this pool's queue.
    func runInlineIfQueuedHere() -> Bool
    @discardableResult func cancel() -> Bool
}

/// What `wait` and `asCompleted` accept: a ``Future`` or an ``AnyFuture``.
protocol WaitElement: Hashable, Sendable {
    var waitTarget: any WaitTarget { get }
}

extension Future: WaitTarget, WaitElement {
    var completionStatus: CompletionStatus {
        withMachine { machine in
            switch machine.outcome {
            case .notDone: return .notDone
            case .cancelled: return .cancelled
            case .finished(.success): return .succeeded
            case .finished(.failure): return .failed
            }
        }
    }

    func runInlineIfQueuedHere() -> Bool { WorkerContext.runInlineIfQueuedHere(self) }

    var waitTarget: any WaitTarget { self }
}
