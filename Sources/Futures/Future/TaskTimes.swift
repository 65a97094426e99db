/// How long a future's work waited in its pool's queue and how long it ran, when the pool records task
/// times (``ThreadPoolConfiguration/recordsTaskTimes``). Read it through ``Future/times``.
public struct TaskTimes: Sendable, Equatable {
    /// From `submit` until a thread started the work; `nil` while it has not started (and for a future
    /// cancelled before it ran). Zero for work run on the caller.
    public var queued: Duration?
    /// From the start of the work until it returned or threw, not counting the task hooks; `nil` while it
    /// runs or if it never ran.
    public var running: Duration?
}
