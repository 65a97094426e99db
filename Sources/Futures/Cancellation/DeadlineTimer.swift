import Dispatch

/// Fires deadlines: at the instant, work that has not started fails with ``DeadlineExceededError`` and
/// running work is asked to stop (``Future/deadlinePassed(_:)``, ``RunInTask/deadlinePassed(_:)``).
///
/// One timer thread for the whole process ("futures-timer"), started with the first deadline, sleeps until
/// the earliest armed deadline (``DeadlineSchedule``, a heap under one lock). A task without a deadline pays
/// nothing; one with a deadline pays a heap insertion when submitted and a removal when its work ends, so
/// a deadline far in the future holds nothing once its work is done. The thread is the library's own, not
/// one of Dispatch's: on Linux, Dispatch's global queues share their threads with Swift's tasks, and a
/// timer there fires late (by about a second) while blocking work holds the cooperative threads.
///
/// The timer holds its target weakly: a future released before its deadline is not kept alive by it,
/// and one done by then is left as it is. Firing runs on the timer thread (a future's done callbacks, the
/// work's cancellation handlers): they should be short, as every callback should. If the thread cannot
/// start, the deadlines armed meanwhile fall back to one Dispatch timer each, and the next arm tries again.
enum DeadlineTimer {
    private static let schedule = Locked(DeadlineSchedule())
    private static let parker = Parker()

    /// Arms `entry` to call `fire` with `target` at its instant; if the instant has passed, fires at once,
    /// on this thread. An entry disarmed already (its work has ended) is not armed.
    static func arm<Target: AnyObject & Sendable>(
        _ entry: DeadlineEntry, _ target: Target,
        firing fire: @escaping @Sendable (Target, DeadlineExceededError) -> Void
    ) {
        let error = DeadlineExceededError(deadline: entry.deadline)
        if entry.hasPassed {
            let disarmed = schedule.withLock { schedule in
                defer { schedule.disarm(entry) }
                return entry.disarmed
            }
            if !disarmed { fire(target, error) }
            return
        }
        let action = schedule.withLock { schedule in
            schedule.arm(entry) { [weak target] in
                if let target { fire(target, error) }
            }
        }
        switch action {
        case .none:
            break
        case .wakeTimer:
            parker.unpark()
        case .startTimer:
            startTimer()
        }
    }

    /// Arms the deadline of `future`.
    static func arm<T: Sendable>(_ entry: DeadlineEntry, for future: Future<T>) {
        arm(entry, future) { future, error in future.deadlinePassed(error) }
    }

    /// Disarms `entry`: its work has ended, so the deadline no longer matters. O(log *n*) for *n* armed
    /// deadlines; also before it was armed (it then never is).
    static func disarm(_ entry: DeadlineEntry) {
        schedule.withLock { $0.disarm(entry) }
    }

    /// Whether `entry` is in the heap, and whether it is disarmed (for tests).
    static func inspect(_ entry: DeadlineEntry) -> (inHeap: Bool, disarmed: Bool) {
        schedule.withLock { _ in (entry.heapIndex != DeadlineEntry.notInHeap, entry.disarmed) }
    }

    private static func startTimer() {
        switch PlatformThread.start(name: "futures-timer", { runTimer() }) {
        case .success(let thread):
            thread.detach()
        case .failure:
            // No thread for the timer: what is armed goes to Dispatch, one timer each.
            let entries = schedule.withLock { $0.timerDidNotStart() }
            for entry in entries { fireWithDispatch(entry) }
        }
    }

    private static func fireWithDispatch(_ entry: DeadlineEntry) {
        let now = MonotonicClock.nanoseconds()
        let delay = Int(clamping: entry.nanoseconds > now ? entry.nanoseconds - now : 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(delay)) {
            let fire = schedule.withLock { schedule -> (@Sendable () -> Void)? in
                defer { schedule.disarm(entry) }
                return entry.fire
            }
            fire?()
        }
    }

    /// The timer thread: fires what is due, then sleeps until the next deadline or a wake-up; for good.
    private static func runTimer() {
        while true {
            let (due, sleepUntil) = schedule.withLock { $0.timerWoke(now: MonotonicClock.nanoseconds()) }
            for fire in due { fire() }
            parker.park(until: sleepUntil.map { Deadline(nanoseconds: $0) })
        }
    }
}
