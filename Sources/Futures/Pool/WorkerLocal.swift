/// State that each worker thread makes once, keeps for all the tasks it runs, and cleans up when it exits:
/// the answer to Python's `initializer` plus `threading.local()`, for a database connection, a C library
/// handle or a random generator per thread.
///
/// ```swift
/// let connection = WorkerLocal { try Database.connect(url) } cleanup: { $0.close() }
/// let pool = ThreadPoolExecutor(maxWorkers: 4)
/// let rows = try pool.map(queries) { query in
///     try connection.withValue { db in try db.run(query) }   // this worker's own connection
/// }
/// pool.shutdown()   // each worker closed its connection before it exited
/// ```
///
/// ## On a worker
/// The first read on a worker thread of any ``ThreadPoolExecutor`` calls the factory *on that thread* and
/// keeps the value; every later read by a task on the same worker gets the same value. Workers never share
/// a value, so a value that is not thread-safe needs no lock. A task that a worker runs inline while it
/// waits (see ``ThreadPoolExecutor``) sees that worker's value.
///
/// The cleanup runs on the worker thread when it exits — at shutdown, when its
/// ``ThreadPoolConfiguration/keepAlive`` runs out, when it retires after
/// ``ThreadPoolConfiguration/maxTasksPerWorker`` tasks, and when the pool is released without `shutdown`
/// — before the ``ThreadPoolHooks/workerExiting`` hook, newest value first (a value made from another is
/// cleaned up before it). `shutdown(wait: true)` and `ThreadPoolExecutor/awaitTermination(timeout:)`
/// return after every cleanup has run. A value that is never read is never made. No lock is held while
/// the factory or the cleanup runs.
///
/// If the factory throws, the read throws that error; nothing is kept, the worker goes on, and the next
/// read on that worker calls the factory again.
///
/// ## Off a worker
/// A task that runs on the submitting thread (``QueueFullPolicy/runOnCaller``, or a worker blocked on its
/// own full queue) gets a value made for that task, cleaned up right after it, before `submit` returns.
/// Anywhere else — a plain thread, the main thread, async code (also a Swift task running on the pool as
/// its `TaskExecutor`, which may move between threads at each `await`) — there is no worker to own a
/// value: ``value`` throws ``WorkerLocalError/notOnWorker``, and ``withValue(_:)`` makes a value for that
/// one call and cleans it up when the call returns.
public final class WorkerLocal<Value>: Sendable {
    let factory: @Sendable () throws -> Value
    let cleanup: (@Sendable (Value) -> Void)?

    /// Makes a per-worker slot; no value is made until a worker reads it.
    ///
    /// - Parameters:
    ///   - factory: makes a worker's value, on that worker's thread, at its first read. May throw: the read
    ///     then throws the same error.
    ///   - cleanup: called with the value on the worker's thread when the worker exits; `nil` to just
    ///     release it. Must not throw or stop the thread.
    public init(_ factory: @escaping @Sendable () throws -> Value, cleanup: (@Sendable (Value) -> Void)? = nil) {
        self.factory = factory
        self.cleanup = cleanup
    }

    /// The calling worker's value, made by the factory on the first read.
    ///
    /// Runs the factory on the calling thread if this worker has no value yet.
    ///
    /// - Throws: what the factory throws; ``WorkerLocalError/notOnWorker`` when read off a pool worker
    ///   (see the type's discussion; ``withValue(_:)`` works there); ``WorkerLocalError/recursiveFactory``
    ///   if the factory reads this same `WorkerLocal`.
    public var value: Value {
        get throws {
            guard let storage = WorkerLocalStorage.forCurrentThread else { throw WorkerLocalError.notOnWorker }
            return try storage.box(for: self).value
        }
    }

    /// Calls `body` with the calling worker's value, which `body` may change in place (a random generator,
    /// a counter); the worker keeps the changed value.
    ///
    /// `body` works on a copy that is stored back when it returns (also when it throws), so a read of the
    /// same `WorkerLocal` inside `body` sees the value as it was before the call.
    ///
    /// Off a worker (see the type's discussion), makes a value for this call only, and cleans it up when
    /// `body` returns or throws.
    ///
    /// ```swift
    /// let random = WorkerLocal { SystemRandomNumberGenerator() }
    /// let rolls = try pool.map(1...100) { _ in try random.withValue { Int.random(in: 1...6, using: &$0) } }
    /// ```
    ///
    /// - Parameter body: uses the value; runs on the calling thread.
    /// - Returns: what `body` returns.
    /// - Throws: what the factory throws (then `body` is not called), what `body` throws, or
    ///   ``WorkerLocalError/recursiveFactory``.
    public func withValue<R>(_ body: (inout Value) throws -> R) throws -> R {
        if let storage = WorkerLocalStorage.forCurrentThread {
            // Changed on a copy, not in the box, so that `body` may read this WorkerLocal again.
            let box = try storage.box(for: self)
            var value = box.value
            defer { box.value = value }
            return try body(&value)
        }
        var value = try factory()
        defer { cleanup?(value) }
        return try body(&value)
    }
}
