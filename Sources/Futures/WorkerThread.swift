/// Naming worker threads.
enum WorkerThread {
    /// `"<prefix>_<number>"`, fitted to `limit` bytes (by default the platform's,
    /// ``PlatformThread/maxNameBytes``) so that what tells threads apart survives: the prefix is shortened
    /// from its end and the `_<number>` kept; and when the prefix ends in `-<digits>` (the pool number of
    /// the default prefix `ThreadPoolExecutor-<k>`), the part before it is shortened and the pool number
    /// kept too: `ThreadPoolExecutor-12` and thread 3 make `ThreadPool-12_3` in Linux's 15 bytes.
    static func name(prefix: String, number: Int, limit: Int = PlatformThread.maxNameBytes) -> String {
        let suffix = "_\(number)"
        let full = prefix + suffix
        guard full.utf8.count > limit else { return full }
        var head = Substring(prefix)
        var kept = Substring(suffix)
        if let dash = prefix.lastIndex(of: "-") {
            let digits = prefix[prefix.index(after: dash)...]
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                prefix[dash...].utf8.count + suffix.utf8.count < limit
            {
                head = prefix[..<dash]
                kept = prefix[dash...] + suffix
            }
        }
        while head.utf8.count + kept.utf8.count > limit, !head.isEmpty {
            head.removeLast()
        }
        return String(head + kept)
    }
}

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
