import Dispatch

/// Fires a task's deadline: at the instant, work that has not started fails with ``DeadlineExceededError``
/// and running work is asked to stop (``Future/deadlinePassed(_:)``, ``RunInTask/deadlinePassed(_:)``).
///
/// One Dispatch timer per deadline (`asyncAfter` on a global queue), so a pool spends no thread of its own
/// on timers and a task without a deadline pays nothing. The timer holds its target weakly: a future
/// released before its deadline is not kept alive by it, and one done by then is left as it is.
enum DeadlineTimer {
    /// Arms the deadline of `target`; if it has passed already, fires it at once, on this thread.
    static func arm<Target: AnyObject & Sendable>(
        _ target: Target, at deadline: ContinuousClock.Instant,
        firing fire: @escaping @Sendable (Target, DeadlineExceededError) -> Void
    ) {
        let error = DeadlineExceededError(deadline: deadline)
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return fire(target, error) }
        let nanoseconds = Int(clamping: remaining.clampedNanoseconds)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [weak target] in
            if let target { fire(target, error) }
        }
    }

    /// Arms the deadline of `future`.
    static func arm<T: Sendable>(_ future: Future<T>, at deadline: ContinuousClock.Instant) {
        arm(future, at: deadline) { future, error in future.deadlinePassed(error) }
    }
}
