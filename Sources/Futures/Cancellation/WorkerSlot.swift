/// What a worker thread shows the code it runs: its pool, and the task it is running now.
///
/// Each worker makes one and keeps it for its life; ``WorkerContext`` reaches it through a thread-local
/// slot. Only its own thread reads or writes ``current``, so it needs no lock: a worker sets it around each
/// task (``Future/runQueued(in:beforeCompleting:)``), and ``CurrentWork`` reads it from inside the work.
@usableFromInline
final class WorkerSlot {
    /// The worker's pool; it outlives the worker's thread.
    unowned(unsafe) let pool: ThreadPoolCore
    /// The future whose work runs on this thread now. Not retained: the worker holds the task while it
    /// runs it, and clears the slot before letting go. Only this worker's thread touches it, so it opts
    /// out of the run-time exclusivity check, which would cost two runtime calls per task.
    @usableFromInline @exclusivity(unchecked) unowned(unsafe) var current: (any CancellableWork)?

    init(pool: ThreadPoolCore) {
        self.pool = pool
    }

    /// Runs `body`, which runs another task on this thread while the current one waits (help-on-wait, a
    /// full queue's `runOnCaller`), and puts the waiting task back as the current one after.
    func runningInline<R>(_ body: (Unmanaged<WorkerSlot>) -> R) -> R {
        let waiting = current
        defer { current = waiting }
        return body(Unmanaged.passUnretained(self))
    }
}
