/// The production controls of a ``ThreadPoolExecutor``: a bounded queue, elastic threads, per-task
/// times and hooks. Every default keeps the plain pool's behaviour.
///
/// ```swift
/// let pool = ThreadPoolExecutor(
///     maxWorkers: 8,
///     configuration: .init(
///         maxQueued: 100, whenFull: .block,             // back-pressure on producers
///         minWorkers: 2, keepAlive: .seconds(60),        // shrink to 2 threads when quiet
///         hooks: .init(afterTask: { error in if let error { log(error) } })))
/// ```
///
/// | Option | Default | What happens |
/// | --- | --- | --- |
/// | ``maxQueued`` | `nil` | The queue has no bound: `submit` never waits and never fails for room. |
/// | ``whenFull`` | ``QueueFullPolicy/block`` | Used only with a ``maxQueued``. |
/// | ``minWorkers`` | `0` | Threads the keep-alive never retires. |
/// | ``keepAlive`` | `nil` | Threads stay until shutdown, as in Python. |
/// | ``recordsTaskTimes`` | `false` | ``Future/times`` is `nil`; no clock is read per task. |
/// | ``hooks`` | none | Nothing runs around tasks; an unretrieved error prints one line on standard error. |
/// | ``maxTasksPerWorker`` | `nil` | A worker runs tasks until the pool shuts down, as in Python. |
/// | ``carriesTaskLocalValues`` | `false` | `submit` from a Swift task carries none of its task-local values, as `submit` in Python and Java carries no context. |
public struct ThreadPoolConfiguration: Sendable {
    /// The most tasks that may wait in the queue (not counting running ones); `nil`, the default, for no
    /// bound. Must be at least 1.
    ///
    /// What a submit does when the queue holds this many is ``whenFull``'s choice for
    /// ``ThreadPoolExecutor/submit(_:)``; ``ThreadPoolExecutor/submitWaitingForRoom(_:)`` always suspends.
    /// A cancelled future keeps its place until a worker reaches it and skips it. Jobs of Swift tasks
    /// that run on the pool (the pool as a `TaskExecutor`) count towards the queue but are always taken:
    /// the runtime requires every job to run.
    public var maxQueued: Int?

    /// What ``ThreadPoolExecutor/submit(_:)`` does when the queue is full; ``QueueFullPolicy/block`` by
    /// default. Has no effect without ``maxQueued``.
    public var whenFull: QueueFullPolicy

    /// Worker threads that stay however long they are idle; `0` by default. Must be between 0 and the
    /// pool's `maxWorkers`. Threads still start lazily, one per submit: this is a floor for retiring, not
    /// a number started up front. Has no effect without ``keepAlive``.
    public var minWorkers: Int

    /// How long a worker above ``minWorkers`` may stay idle before its thread exits; `nil`, the default,
    /// keeps every thread until shutdown. A thread that exited is started again, as any thread is, when a
    /// submit finds no idle worker. Must be greater than zero.
    public var keepAlive: Duration?

    /// Whether the pool records, for each future it makes, how long the work waited in the queue and how
    /// long it ran (``Future/times``); `false` by default. Costs two clock reads and one small allocation
    /// per task when on, nothing when off.
    public var recordsTaskTimes: Bool

    /// Code the pool runs when workers start and exit, around each task, and for errors nobody read.
    public var hooks: ThreadPoolHooks

    /// How many tasks a worker thread runs before it exits and a new thread takes its place, like Python's
    /// `maxtasksperchild`: for C libraries that leak or degrade per thread. `nil`, the default, for no
    /// limit. Must be at least 1.
    ///
    /// Counts the tasks the worker took from the queue and ran (not those it found cancelled, nor tasks
    /// it ran inline while waiting on its own pool). The retiring worker leaves the pool at once; if work
    /// is queued, a replacement thread starts right away, otherwise the next `submit` starts one as
    /// usual. Then, on the retiring thread, its ``WorkerLocal`` cleanups and the
    /// ``ThreadPoolHooks/workerExiting`` hook run; the replacement runs ``ThreadPoolHooks/workerStarted``
    /// and the initializer as any new worker does. `shutdown(wait: true)` waits for retiring threads too.
    /// With a limit set, workers take tasks from the queue one at a time.
    public var maxTasksPerWorker: Int?

    /// Whether the blocking submits (``ThreadPoolExecutor/submit(_:)``, ``ThreadPoolExecutor/submit(priority:_:)``,
    /// ``ThreadPoolExecutor/submit(deadline:priority:_:)``, and so the blocking `map`, `invokeAll` and
    /// `invokeAny`), when called from inside a Swift task, carry that task's task-local values into the work,
    /// as `run`, `submitWaitingForRoom` and the async maps always do; `false` by default.
    ///
    /// Off, `submit` behaves as in Python and Java, whose `submit` carries no context, and costs nothing
    /// extra. On, each future submitted from a task costs a task of its own (see
    /// <doc:BlockingWorkInAsyncCode>): about 3 µs of work and 1.5 KB held while the future waits, where the
    /// future alone is about 100 bytes; and work of a few microseconds is no longer done by the time the
    /// caller awaits `value`, so the caller suspends where it would have found the result ready. Submits from
    /// plain threads are unchanged either way: they have no task-local values to carry.
    ///
    /// ```swift
    /// let pool = ThreadPoolExecutor(maxWorkers: 4, configuration: .init(carriesTaskLocalValues: true))
    /// try await Request.$id.withValue("r-42") {
    ///     let future = try pool.submit { Request.id }  // "r-42" inside the work
    ///     print(try await future.value)
    /// }
    /// ```
    public var carriesTaskLocalValues: Bool

    /// Makes a configuration; every argument defaults to the plain pool's behaviour.
    ///
    /// - Parameters:
    ///   - maxQueued: the most tasks waiting in the queue; `nil` for no bound.
    ///   - whenFull: what `submit` does when the queue is full.
    ///   - minWorkers: threads that never retire for idleness.
    ///   - keepAlive: how long an idle thread above `minWorkers` stays; `nil` for until shutdown.
    ///   - recordsTaskTimes: whether to record each future's time queued and running.
    ///   - hooks: code to run at the pool's events.
    ///   - maxTasksPerWorker: tasks a worker runs before a new thread replaces it; `nil` for no limit.
    ///   - carriesTaskLocalValues: whether `submit` called from a Swift task carries its task-local values.
    public init(
        maxQueued: Int? = nil, whenFull: QueueFullPolicy = .block,
        minWorkers: Int = 0, keepAlive: Duration? = nil,
        recordsTaskTimes: Bool = false, hooks: ThreadPoolHooks = ThreadPoolHooks(),
        maxTasksPerWorker: Int? = nil, carriesTaskLocalValues: Bool = false
    ) {
        self.maxQueued = maxQueued
        self.whenFull = whenFull
        self.minWorkers = minWorkers
        self.keepAlive = keepAlive
        self.recordsTaskTimes = recordsTaskTimes
        self.hooks = hooks
        self.maxTasksPerWorker = maxTasksPerWorker
        self.carriesTaskLocalValues = carriesTaskLocalValues
    }

    /// Stops the program with a message naming the first option out of range.
    func validate(maxWorkers: Int) {
        if let maxQueued, maxQueued < 1 {
            fatalError("ThreadPoolExecutor: maxQueued must be at least 1 (or nil for no bound), got \(maxQueued)")
        }
        if minWorkers < 0 || minWorkers > maxWorkers {
            fatalError(
                "ThreadPoolExecutor: minWorkers must be between 0 and maxWorkers (\(maxWorkers)), got \(minWorkers)")
        }
        if let keepAlive, keepAlive <= .zero {
            fatalError(
                "ThreadPoolExecutor: keepAlive must be greater than zero (or nil to keep threads), got \(keepAlive)")
        }
        if let maxTasksPerWorker, maxTasksPerWorker < 1 {
            fatalError(
                "ThreadPoolExecutor: maxTasksPerWorker must be at least 1 (or nil for no limit), got \(maxTasksPerWorker)"
            )
        }
    }
}
