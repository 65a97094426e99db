/// What a deadline fires on: a future of ``ThreadPoolExecutor/submit(deadline:priority:_:)``, or the call
/// of ``ThreadPoolExecutor/run(deadline:priority:_:)``.
@usableFromInline
protocol DeadlineTarget: AnyObject, Sendable {
    /// The deadline passed: unstarted work fails with `error` and never runs; running work is asked to stop.
    func deadlinePassed(_ error: DeadlineExceededError)
}

extension Future: DeadlineTarget {}
extension RunInTask: DeadlineTarget {}

/// One armed deadline: the instant, on ``MonotonicClock``, and what it fires on.
///
/// Made before the work it guards is submitted, so the work can disarm it when it ends
/// (``DeadlineTimer/disarm(_:)``); armed after (``DeadlineTimer/arm(_:on:)``), with the future or call it
/// fires on. A disarmed entry is never armed again.
@usableFromInline
final class DeadlineEntry: @unchecked Sendable {  // the `var`s are used only under DeadlineTimer's lock
    /// When it fires, in ``MonotonicClock`` nanoseconds.
    let nanoseconds: UInt64
    /// The deadline as the caller gave it, for ``DeadlineExceededError``.
    let deadline: ContinuousClock.Instant
    /// What it fires on; set when armed, dropped when fired or disarmed (held strongly: see
    /// ``DeadlineTimer``).
    var target: (any DeadlineTarget)?
    /// Its place in the ``DeadlineSchedule``'s heap; ``notInHeap`` when not armed, fired or disarmed.
    var heapIndex = DeadlineEntry.notInHeap
    /// Set by ``DeadlineTimer/disarm(_:)``: an entry disarmed before it was armed is not armed.
    var disarmed = false

    static let notInHeap = -1

    /// An entry for `deadline`, measured from now on the monotonic clock the timer sleeps on.
    @usableFromInline
    init(at deadline: ContinuousClock.Instant) {
        self.deadline = deadline
        // `Deadline.after` of a non-nil duration is never nil.
        nanoseconds = Deadline.after(ContinuousClock.now.duration(to: deadline))!.nanoseconds
    }

    /// An entry that fires at `nanoseconds` on ``MonotonicClock`` (for tests of the schedule).
    init(nanoseconds: UInt64, deadline: ContinuousClock.Instant = .now) {
        self.nanoseconds = nanoseconds
        self.deadline = deadline
    }

    /// Fires it on `target`.
    static func fire(_ target: any DeadlineTarget, _ entry: DeadlineEntry) {
        target.deadlinePassed(DeadlineExceededError(deadline: entry.deadline))
    }

    /// The instant as the timer's ``Deadline``.
    var instant: Deadline { Deadline(nanoseconds: nanoseconds) }

    /// Whether the deadline has passed already.
    var hasPassed: Bool { instant.hasPassed }
}
