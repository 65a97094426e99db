import Dispatch

/// Fires deadlines: at the instant, work that has not started fails with ``DeadlineExceededError`` and
/// running work is asked to stop (``Future/deadlinePassed(_:)``, ``RunInTask/deadlinePassed(_:)``).
///
/// One timer thread for the whole process ("futures-timer"), started with the first deadline, sleeps until
/// the earliest armed deadline (``DeadlineSchedule``, a heap under one lock), and ends after two seconds
/// with nothing armed (the next deadline starts it again). A task without a deadline pays nothing; one
/// with a deadline pays a heap insertion when submitted and a removal when its work ends, so a deadline
/// far in the future holds nothing once its work is done. The thread is the library's own, not one of
/// Dispatch's: on Linux, Dispatch's global queues share their threads with Swift's tasks, and a timer
/// there fires late (by about a second) while blocking work holds the cooperative threads.
///
/// The timer holds its target until the work ends (then the work disarms it) or the instant comes: a
/// future cancelled before it started is kept until its deadline, and one done by then is left as it is.
/// Firing runs on the timer thread (a future's done callbacks, the work's cancellation handlers): they
/// should be short, as every callback should. If the thread cannot start, the deadlines armed meanwhile
/// fall back to one Dispatch timer each, and the next arm tries again.
@usableFromInline
enum DeadlineTimer {
    private static let schedule = Locked(DeadlineSchedule())
    private static let parker = Parker()

    /// Arms `entry` to fire on `target` at its instant; if the instant has passed, fires at once, on this
    /// thread. An entry disarmed already (its work has ended) is not armed.
    @usableFromInline
    static func arm(_ entry: DeadlineEntry, on target: any DeadlineTarget) {
        if entry.hasPassed {
            let disarmed = schedule.withLock { schedule in
                defer { schedule.disarm(entry) }
                return entry.disarmed
            }
            if !disarmed { DeadlineEntry.fire(target, entry) }
            return
        }
        let action = schedule.withLock { schedule in
            // Strongly: the work disarms the entry when it ends, and firing drops it, so only a target whose
            // work never ran (cancelled first) is kept, until its instant. (A weak reference would give
            // every future with a deadline a side table, and slow each of its retains and releases.)
            schedule.arm(entry, on: target)
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

    /// Disarms `entry`: its work has ended, so the deadline no longer matters. O(log *n*) for *n* armed
    /// deadlines; also before it was armed (it then never is).
    @usableFromInline
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
        let delay = Int(clamping: entry.instant.remaining.clampedNanoseconds)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(delay)) {
            let target = schedule.withLock { schedule -> (any DeadlineTarget)? in
                defer { schedule.disarm(entry) }
                return entry.target
            }
            if let target { DeadlineEntry.fire(target, entry) }
        }
    }

    /// The timer thread: fires what is due, then sleeps until the next deadline or a wake-up; ends once
    /// nothing has been armed for ``DeadlineSchedule/idleExit``.
    private static func runTimer() {
        while case .fire(let due, let sleepUntil) = schedule.withLock({
            $0.timerWoke(now: MonotonicClock.nanoseconds())
        }) {
            for (target, entry) in due { DeadlineEntry.fire(target, entry) }
            parker.park(until: Deadline(nanoseconds: sleepUntil))
        }
    }
}
