/// A point in time on the monotonic clock (``MonotonicClock``), computed once from a timeout so that every
/// wait in a call measures against the same end.
@usableFromInline
struct Deadline: Sendable, Comparable {
    /// Nanoseconds on ``MonotonicClock``.
    @usableFromInline let nanoseconds: UInt64

    static func now() -> Deadline {
        Deadline(nanoseconds: MonotonicClock.nanoseconds())
    }

    /// The deadline `timeout` from now; `nil` for no timeout. A negative timeout counts as zero.
    @usableFromInline
    static func after(_ timeout: Duration?) -> Deadline? {
        guard let timeout else { return nil }
        let now = Deadline.now()
        let (sum, overflow) = now.nanoseconds.addingReportingOverflow(timeout.clampedNanoseconds)
        return Deadline(nanoseconds: overflow ? .max : sum)
    }

    @usableFromInline
    var hasPassed: Bool { Deadline.now() >= self }

    /// Time left until the deadline; zero once it has passed.
    var remaining: Duration {
        let now = Deadline.now().nanoseconds
        return now >= nanoseconds ? .zero : .nanoseconds(Int64(clamping: nanoseconds - now))
    }

    @usableFromInline
    static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

extension Duration {
    /// Whole nanoseconds, with negatives as zero and huge values capped.
    var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return overflow2 ? .max : sum
    }
}
