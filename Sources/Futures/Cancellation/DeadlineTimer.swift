import Dispatch

/// Fires a future's deadline: at the instant, a pending future fails with ``DeadlineExceededError`` and a
/// running one is asked to stop (``Future/deadlinePassed(_:)``).
///
/// One Dispatch timer per deadline (`asyncAfter` on a global queue), so a pool spends no thread of its own
/// on timers and a task without a deadline pays nothing. The timer holds the future weakly: a future
/// released before its deadline is not kept alive by it, and one done by then is left as it is.
enum DeadlineTimer {
    /// Arms the deadline of `future`; if it has passed already, fires it at once, on this thread.
    static func arm<T: Sendable>(_ future: Future<T>, at deadline: ContinuousClock.Instant) {
        let error = DeadlineExceededError(deadline: deadline)
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return future.deadlinePassed(error) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: remaining.clampedNanoseconds)))
        {
            [weak future] in
            future?.deadlinePassed(error)
        }
    }
}
