/// One armed deadline: the instant, on ``MonotonicClock``, and what to do then.
///
/// Made before the work it guards is submitted, so the work can disarm it when it ends
/// (``DeadlineTimer/disarm(_:)``); armed after (``DeadlineTimer/arm(_:firing:)``), with the future or call
/// it fires on. A disarmed entry is never armed again.
final class DeadlineEntry: @unchecked Sendable {  // the `var`s are used only under DeadlineTimer's lock
    /// When it fires, in ``MonotonicClock`` nanoseconds.
    let nanoseconds: UInt64
    /// The deadline as the caller gave it, for ``DeadlineExceededError``.
    let deadline: ContinuousClock.Instant
    /// What firing does; set when armed, dropped when fired or disarmed.
    var fire: (@Sendable () -> Void)?
    /// Its place in the ``DeadlineSchedule``'s heap; ``notInHeap`` when not armed, fired or disarmed.
    var heapIndex = DeadlineEntry.notInHeap
    /// Set by ``DeadlineTimer/disarm(_:)``: an entry disarmed before it was armed is not armed.
    var disarmed = false

    static let notInHeap = -1

    /// An entry for `deadline`, measured from now on the monotonic clock the timer sleeps on.
    init(at deadline: ContinuousClock.Instant) {
        self.deadline = deadline
        let remaining = ContinuousClock.now.duration(to: deadline)
        let now = MonotonicClock.nanoseconds()
        let (sum, overflow) = now.addingReportingOverflow(remaining.clampedNanoseconds)
        nanoseconds = overflow ? .max : sum
    }

    /// An entry that fires at `nanoseconds` on ``MonotonicClock`` (for tests of the schedule).
    init(nanoseconds: UInt64, deadline: ContinuousClock.Instant = .now) {
        self.nanoseconds = nanoseconds
        self.deadline = deadline
    }

    /// Whether the deadline has passed already.
    var hasPassed: Bool { MonotonicClock.nanoseconds() >= nanoseconds }
}
