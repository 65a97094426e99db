/// The short spin of a thread about to block on a future: before it registers and sleeps, it checks a few
/// times whether the future is done, yielding the processor between checks. Work that takes a few
/// microseconds is then collected with no sleep and no wake-up (a condition variable's wake-up costs the
/// waiter several microseconds more than the work itself). Never on a single processor, where the spin
/// would only delay the worker it waits for.
enum WaiterSpin {
    /// How many times a waiter checks before it sleeps: a few microseconds' worth.
    static let checks: Int = PlatformProcess.schedulableProcessorCount <= 1 ? 0 : 16

    /// Checks `isDone` up to ``checks`` times, yielding between checks; returns whether it became true.
    @inline(__always)
    static func until(_ isDone: () -> Bool) -> Bool {
        for _ in 0..<checks {
            PlatformThread.yield()
            if isDone() { return true }
        }
        return false
    }
}
