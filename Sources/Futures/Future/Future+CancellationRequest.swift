/// Asking running work to stop. ``Future/cancel()`` keeps Python's meaning (only work that has not started
/// can be cancelled); ``Future/requestCancellation()`` also reaches work that is running, which reads the
/// request through ``CurrentWork``.
extension Future: CancellableWork {
    /// Whether the work was asked to stop: ``requestCancellation()`` reached it, its deadline passed, the
    /// future was cancelled, or its work saw its pool's cancelling shutdown (the pool asks all its running
    /// work at once, and each future records it when its work checks ``CurrentWork/isCancellationRequested``).
    ///
    /// Reads one atomic byte and takes no lock.
    public var isCancellationRequested: Bool {
        summary.load(ordering: .acquiring) & FutureStateMachine<Value>.cancellationRequestedBit != 0
    }

    /// Cancels the future if its work has not started; if the work is running, asks it to stop.
    ///
    /// ```swift
    /// let scan = try pool.submit { try scanDisk(stoppingWhen: { CurrentWork.isCancellationRequested }) }
    /// …
    /// scan.requestCancellation()
    /// ```
    ///
    /// A pending future is cancelled exactly as by ``cancel()``. Running work is never interrupted: the
    /// request sets the flag it reads with ``CurrentWork/isCancellationRequested`` and runs, on this
    /// thread before returning, the handlers it registered with
    /// ``CurrentWork/withCancellationHandler(operation:onCancel:)``. The future stays `running` until the
    /// work returns; if the work stops by throwing (as ``CurrentWork/checkCancellation()`` does, with
    /// `CancellationError`), the future finishes with that error.
    ///
    /// - Returns: `true` if the future is now cancelled, or its running work has the request (also when it
    ///   had it already); `false` if it had finished.
    @discardableResult
    public func requestCancellation() -> Bool {
        switch withMachine({ $0.requestCancellation() }) {
        case .cancelled(let completion):
            run(completion)
            return true
        case .runHandlers(let handlers):
            handlers.forEach { $0.run() }
            return true
        case .alreadyRequested:
            return true
        case .refuse:
            return false
        }
    }

    /// The future's deadline passed (see ``ThreadPoolExecutor/submit(deadline:priority:_:)``): a pending
    /// future fails with `error` and its work never runs; running work is asked to stop.
    @usableFromInline
    func deadlinePassed(_ error: DeadlineExceededError) {
        switch withMachine({ $0.expire(error) }) {
        case .failed(let completion):
            run(completion)
        case .request(.runHandlers(let handlers)):
            handlers.forEach { $0.run() }
        case .request, .none:
            break
        }
    }

    @usableFromInline
    func addCancellationHandler(_ handler: CancellationHandler) -> Bool {
        withMachine { $0.addCancellationHandler(handler) }
    }

    @usableFromInline
    func removeCancellationHandler(_ handler: CancellationHandler) {
        withMachine { $0.removeCancellationHandler(handler) }
    }
}
