import Synchronization

/// A pool's request that *all* its running work stop: made once, by `shutdown(cancelFutures: true)`.
///
/// Running work reads it through ``CurrentWork/isCancellationRequested`` (one atomic load), and the
/// handlers that work registered while running on the pool wait here until the request runs them.
final class RunningWorkCancellation: Sendable {
    private struct State {
        var requested = false
        var handlers: [CancellationHandler] = []
    }

    private let requestedFlag = Atomic<Bool>(false)
    private let state = Locked(State())

    /// Whether the pool asked its running work to stop.
    var isRequested: Bool { requestedFlag.load(ordering: .acquiring) }

    /// Asks every running task to stop: sets the flag and runs every registered handler, on this thread.
    func request() {
        let handlers = state.withLock { state -> [CancellationHandler] in
            if state.requested { return [] }
            state.requested = true
            requestedFlag.store(true, ordering: .releasing)
            defer { state.handlers = [] }
            return state.handlers
        }
        handlers.forEach { $0.run() }
    }

    /// Registers a running task's handler. Returns `false` (registering nothing) if the request came already.
    func add(_ handler: CancellationHandler) -> Bool {
        state.withLock { state in
            if state.requested { return false }
            state.handlers.append(handler)
            return true
        }
    }

    /// Removes a handler whose scope ended.
    ///
    /// - Complexity: O(*h*) for the *h* handlers registered on the pool now (at most one per running scope).
    func remove(_ handler: CancellationHandler) {
        state.withLock { state in state.handlers.removeAll { $0 === handler } }
    }
}
