/// Which pool, if any, the current thread works for: lets a worker that waits on a not-yet-started task
/// of its own pool run it itself.
@usableFromInline
enum WorkerContext {
    /// Not owning: the worker holds the pool alive while it runs.
    private static let workerOf = ThreadLocal<ThreadPoolCore>(owning: false)

    /// The pool the current thread is a worker of. The worker holds the pool alive while it runs.
    static var currentPool: ThreadPoolCore? {
        workerOf.value
    }

    static func enter(_ pool: ThreadPoolCore) {
        workerOf.set(pool)
    }

    static func leave() {
        workerOf.set(nil)
    }

    /// Whether the current thread is a pool worker: only a worker runs queued work inline while it waits.
    @usableFromInline
    static var isWorker: Bool { currentPool != nil }

    /// If the current thread is a worker and `task` waits in its pool's queue, takes it out and runs it
    /// here. Returns whether it ran.
    static func runInlineIfQueuedHere<Value>(_ future: Future<Value>) -> Bool {
        guard let pool = currentPool else { return false }
        return pool.runIfQueued(future.queuedTask) { future.queueTicket }
    }
}
