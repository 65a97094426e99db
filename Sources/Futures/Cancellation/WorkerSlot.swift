/// What a worker thread shows the code it runs: its pool, and the task it is running now.
///
/// Each worker makes one and keeps it for its life; ``WorkerContext`` reaches it through a thread-local
/// slot. Only its own thread reads or writes ``current``, so it needs no lock: a worker sets it around each
/// task (``Future/runQueued(in:beforeCompleting:)``, restoring the one before, since a waiting worker runs
/// other tasks inline), and ``CurrentWork`` reads it from inside the work.
@usableFromInline
final class WorkerSlot {
    /// The worker's pool; it outlives the worker's thread.
    unowned(unsafe) let pool: ThreadPoolCore
    /// The future whose work runs on this thread now. Not retained: the worker holds the task while it
    /// runs it, and clears the slot before letting go.
    @usableFromInline unowned(unsafe) var current: (any CancellableWork)?

    init(pool: ThreadPoolCore) {
        self.pool = pool
    }
}
