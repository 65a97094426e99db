/// A one-shot event a task can await without blocking a thread: ``wait()`` suspends until ``signal()``
/// (returning at once if it was signalled before).
///
/// Used with `withTaskCancellationHandler`, whose handler signals it, so a cancelled task stops waiting
/// at once; the waiter then checks why it woke.
final class AsyncEvent: Waker, CompletionObserver {
    private enum State {
        case idle
        case waiting(UnsafeContinuation<Void, Never>)
        case signalled
    }

    private let state = Locked(State.idle)

    init() {}

    /// Suspends until the event is signalled.
    ///
    /// An unsafe continuation, not a checked one (which allocates a guard object per wait): the state
    /// resumes it exactly once, from `waiting` to `signalled`, and a second wait stops the program.
    func wait() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                switch state {
                case .idle:
                    state = .waiting(continuation)
                    return false
                case .signalled:
                    return true
                case .waiting:
                    fatalError("Futures: an AsyncEvent was awaited twice")
                }
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Signals the event, resuming the waiting task if there is one. Later signals do nothing.
    func signal() {
        let continuation = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            defer { state = .signalled }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        continuation?.resume()
    }

    /// Waits for the event unless the current task is or gets cancelled; returns at once then.
    func waitUnlessCancelled() async {
        await withTaskCancellationHandler {
            await wait()
        } onCancel: {
            signal()
        }
    }

    func wake() { signal() }

    func futureDidComplete(_ future: ObjectIdentifier, failed: Bool) { signal() }
}

extension AsyncEvent {
    /// Waits until the event is signalled, the task is cancelled, or `deadline` passes, whichever comes
    /// first. The caller checks which.
    func waitUnlessCancelled(until deadline: Deadline?) async {
        guard let deadline else { return await waitUnlessCancelled() }
        let timer = Task { [self] in
            try? await Task.sleep(for: deadline.remaining)
            signal()
        }
        await waitUnlessCancelled()
        timer.cancel()
    }
}
