import Foundation
import Synchronization

/// A pool of threads that runs blocking work and hands back futures, like Python's
/// `concurrent.futures.ThreadPoolExecutor`.
///
/// ```swift
/// let pool = ThreadPoolExecutor(maxWorkers: 8)
/// defer { pool.shutdown() }
/// let future = try pool.submit { try Data(contentsOf: url) }
/// let lengths = try pool.map(paths) { path in try fileLength(path) }
/// ```
///
/// Prefer ``withThreadPoolExecutor(maxWorkers:threadNamePrefix:initializer:_:)``, which shuts the pool
/// down for you.
///
/// ## Threads
/// Worker threads start lazily: a `submit` starts at most one new thread, and only when no worker is idle
/// and fewer than ``maxWorkers`` are running. Idle workers are reused, so submitting one task at a time
/// keeps one thread. Threads are named `"<prefix>_<n>"` (`n` counts from 0), so they show in `top -H`,
/// gdb and crash logs; a name longer than the platform keeps (Linux: 15 bytes) is shortened from the end
/// of the prefix so that `_<n>` stays, and the pool number of the default prefix too.
///
/// A worker waiting (``Future/result(timeout:)``, ``Future/error(timeout:)``, `wait`) on a future of its
/// own pool that has not started runs that work itself instead of blocking, so tasks may submit and wait
/// for subtasks even on a pool of one thread.
///
/// ## Errors
/// A task's error is stored in its future; it never reaches or stops the worker. If the `initializer`
/// throws, the pool is *broken*: every queued future fails with ``ExecutorError/broken(_:)``, and so does
/// every later `submit`.
///
/// ## Production controls
/// ``init(maxWorkers:threadNamePrefix:initializer:configuration:)`` takes a ``ThreadPoolConfiguration``:
/// a bounded queue with a policy for when it is full (block, reject with ``QueueFullError``, run on the
/// caller; ``submitWaitingForRoom(_:)`` suspends), idle threads that retire after a keep-alive, per-task
/// times, and ``ThreadPoolHooks``. ``statistics`` is a cheap snapshot of threads, queue and counts;
/// `waitUntilIdle(timeout:)` waits for everything submitted without holding futures. Every default keeps
/// the behaviour described above.
///
/// A failed future released without anyone reading its error is reported once (by default, one line on
/// standard error), so the failures of fire-and-forget work are not silent.
///
/// ## Lifetime
/// ``shutdown(wait:cancelFutures:)-6vakt`` stops the pool. A pool released without `shutdown` runs the work
/// already queued, then its threads exit: no thread is leaked. As in Java's `ExecutorService`,
/// ``isShutdown``, ``isTerminated`` and `awaitTermination(timeout:)` tell where a shutdown stands, and
/// ``shutdownNow()`` returns the futures it cancelled.
///
/// ## Per-worker state
/// A ``WorkerLocal`` gives each worker thread its own value (a connection, a handle), made on first use
/// and cleaned up when the thread exits; ``ThreadPoolConfiguration/maxTasksPerWorker`` replaces a worker
/// after a number of tasks.
public final class ThreadPoolExecutor: Executor {
    @usableFromInline let core: ThreadPoolCore

    /// The most threads the pool runs at once.
    public let maxWorkers: Int

    /// The default for ``maxWorkers``: `min(32, active processors + 4)`, enough to keep every processor
    /// busy with a few threads to spare for blocking calls, as in Python.
    public static var defaultMaxWorkers: Int {
        min(32, PlatformProcess.activeProcessorCount + 4)
    }

    private static let poolCount = Atomic<Int>(0)

    /// The pool's production controls: queue bound, elastic threads, task times and hooks.
    public let configuration: ThreadPoolConfiguration

    /// Makes a pool; no thread starts until work arrives.
    ///
    /// - Parameters:
    ///   - maxWorkers: the most threads the pool runs at once; `nil` for ``defaultMaxWorkers``. A value of
    ///     0 or less stops the program with a message that names it.
    ///   - threadNamePrefix: the start of each worker thread's name; empty for
    ///     `"ThreadPoolExecutor-<pool number>"`.
    ///   - initializer: run once on each worker thread before its first task. If it throws, the pool
    ///     breaks (see the type's discussion).
    public convenience init(
        maxWorkers: Int? = nil, threadNamePrefix: String = "",
        initializer: (@Sendable () throws -> Void)? = nil
    ) {
        self.init(
            maxWorkers: maxWorkers, threadNamePrefix: threadNamePrefix, initializer: initializer,
            configuration: ThreadPoolConfiguration())
    }

    /// Makes a pool with production controls: a bounded queue, elastic threads, task times, hooks.
    ///
    /// ```swift
    /// let pool = ThreadPoolExecutor(
    ///     maxWorkers: 8,
    ///     configuration: .init(maxQueued: 100, whenFull: .block, minWorkers: 2, keepAlive: .seconds(60)))
    /// ```
    ///
    /// - Parameters:
    ///   - maxWorkers: the most threads the pool runs at once; `nil` for ``defaultMaxWorkers``. A value of
    ///     0 or less stops the program with a message that names it.
    ///   - threadNamePrefix: the start of each worker thread's name; empty for
    ///     `"ThreadPoolExecutor-<pool number>"`.
    ///   - initializer: run once on each worker thread before its first task (after the
    ///     ``ThreadPoolHooks/workerStarted`` hook). If it throws, the pool breaks.
    ///   - configuration: the controls; see ``ThreadPoolConfiguration`` for each default. An option out of
    ///     range (`maxQueued < 1`, `minWorkers` not in `0...maxWorkers`, `keepAlive <= 0`) stops the
    ///     program with a message that names it.
    public init(
        maxWorkers: Int? = nil, threadNamePrefix: String = "",
        initializer: (@Sendable () throws -> Void)? = nil,
        configuration: ThreadPoolConfiguration
    ) {
        let maxWorkers = maxWorkers ?? Self.defaultMaxWorkers
        if maxWorkers <= 0 {
            fatalError("ThreadPoolExecutor: maxWorkers must be greater than 0, got \(maxWorkers)")
        }
        configuration.validate(maxWorkers: maxWorkers)
        let number = Self.poolCount.wrappingAdd(1, ordering: .relaxed).newValue - 1
        let prefix = threadNamePrefix.isEmpty ? "ThreadPoolExecutor-\(number)" : threadNamePrefix
        self.maxWorkers = maxWorkers
        self.configuration = configuration
        core = ThreadPoolCore(
            maxWorkers: maxWorkers, threadNamePrefix: prefix, initializer: initializer, configuration: configuration)
        core.jobExecutor = UnownedTaskExecutor(ordinary: self)  // see ThreadPoolExecutor+TaskExecutor.swift
    }

    deinit {
        core.shutdown(wait: false, cancelFutures: false)
    }

    /// Schedules `work` on a worker thread and returns its future at once.
    ///
    /// With a bounded queue (``ThreadPoolConfiguration/maxQueued``) that is full, does what
    /// ``ThreadPoolConfiguration/whenFull`` says: blocks until there is room, throws ``QueueFullError``, or
    /// runs `work` on this thread and returns its finished future. In async code use
    /// ``submitWaitingForRoom(_:)``, which suspends instead of blocking.
    ///
    /// Called from inside a Swift task, the work sees none of the task's task-local values, unless the
    /// pool is configured with ``ThreadPoolConfiguration/carriesTaskLocalValues``.
    ///
    /// - Parameter work: the closure to run; its value or error goes into the future.
    /// - Returns: a pending future for the work (finished, if it ran on the caller).
    /// - Throws: ``ExecutorError/shutDown`` after ``ThreadPoolExecutor/shutdown(wait:cancelFutures:)-6vakt`` (also when it comes
    ///   while blocked for room); ``ExecutorError/broken(_:)`` if an initializer failed;
    ///   ``ThreadStartError`` if no worker thread could start and none is running;
    ///   ``QueueFullError`` when the queue is full under ``QueueFullPolicy/reject``.
    @inlinable
    public func submit<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> Future<T> {
        // Inlined into the caller, so the future and its queue entry are specialized for `T`.
        let future = core.makeSubmittedFuture(work)
        try core.submit(future.queuedTask)
        return future
    }

    /// Stops taking work; with `wait: true` (the default), blocks until the started work is done and every
    /// worker thread has exited.
    ///
    /// Idempotent, and safe from any thread, including from a task running on this pool.
    ///
    /// This call **blocks** the calling thread when `wait` is `true`, so it is `noasync`: in an `async`
    /// function, `await pool.shutdown()` (`shutdown(cancelFutures:) async`) suspends instead, and
    /// `await pool.shutdown(wait: false)` (`shutdown(wait:cancelFutures:) async`) never waits. Calls
    /// through the ``Executor`` protocol (generic code, `any Executor`) still reach this blocking form.
    ///
    /// - Parameters:
    ///   - wait: if `true`, returns after every started task has finished and every worker thread has
    ///     exited. Called from a task of this same pool, it waits for every *other* worker to exit; the
    ///     calling worker exits after its task returns.
    ///   - cancelFutures: if `true`, every future that has not started is cancelled before this returns
    ///     (its waiters and callbacks see it at once); running tasks finish. If `false`, queued work
    ///     still runs.
    @available(
        *, noasync, message: "blocks the thread while the workers exit; use 'await pool.shutdown()' in async code"
    )
    public func shutdown(wait: Bool = true, cancelFutures: Bool = false) {
        core.shutdown(wait: wait, cancelFutures: cancelFutures)
    }

    /// Applies `transform` to every item on the pool and returns the results in input order.
    ///
    /// The same as ``Executor/map(_:timeout:chunkSize:_:)-7a4vk``, except for the default chunk size: with
    /// `chunkSize: nil` the pool splits the items into about eight chunks per worker (at least one item
    /// each), so tiny functions are not dominated by per-task overhead while slow ones still spread over
    /// every worker. Pass `chunkSize: 1` for one task per item, when items take very uneven times.
    ///
    /// - Parameters:
    ///   - items: the inputs; an empty sequence returns `[]` at once.
    ///   - timeout: one deadline for the whole call; `nil` waits as long as it takes.
    ///   - chunkSize: items per task; `nil` lets the pool pick. Must be at least 1.
    ///   - transform: the function to apply on the pool's threads.
    /// - Returns: `transform` of each item, in input order.
    /// - Throws: the first error in input order, ``FutureError/timedOut``, or what ``submit(_:)`` throws.
    ///   On either, the tasks that have not started are cancelled.
    /// - Complexity: O(*n*) for *n* items, plus O(1) per completion: each task is submitted once and waited on once.
    @available(*, noasync, message: "blocks the thread; use the async overload of map in async code")
    @inlinable
    public func map<S: Sequence, T: Sendable>(
        _ items: S, timeout: Duration? = nil, chunkSize: Int? = nil,
        _ transform: @escaping @Sendable (S.Element) throws -> T
    ) throws -> [T] where S.Element: Sendable {
        let elements = Array(items)
        return try MapOperation(
            executor: self, items: elements, chunkSize: chunkSize ?? defaultChunkSize(for: elements.count),
            transform: transform
        ).run(deadline: Deadline.after(timeout))
    }

    /// About eight chunks per worker.
    @usableFromInline
    func defaultChunkSize(for count: Int) -> Int {
        max(1, count / (maxWorkers * 8))
    }

    /// Threads the pool has started so far.
    var threadsStarted: Int { core.state.withLock { $0.threadsStarted } }

    /// Threads of the pool alive now.
    var liveThreads: Int { core.state.withLock { $0.liveThreads } }
}
