/// The pool as a Swift concurrency `TaskExecutor` (SE-0417): the dedicated executor for blocking work
/// that the standard library does not ship.
///
/// ```swift
/// let pool = ThreadPoolExecutor(maxWorkers: 16, threadNamePrefix: "io")
/// let rows = await withTaskExecutorPreference(pool) {
///     blockingQuery(db)          // runs on an "io_<n>" thread, not on the cooperative pool
/// }
/// let task = Task(executorPreference: pool) { try blockingDownload(url) }
/// await withTaskGroup(of: Void.self) { group in
///     for path in paths { group.addTask(executorPreference: pool) { blockingWrite(path) } }
/// }
/// ```
///
/// ## One queue
/// Jobs from the runtime (the synchronous stretches of tasks that prefer the pool) join the same queue
/// as submitted closures, and run on the same workers under the same ``ThreadPoolExecutor/maxWorkers``
/// limit: a pool of 4 runs at most 4 blocking stretches at once, whichever way they arrived. A job waits
/// in the ``WorkPriority`` lane of its task's priority (``WorkPriority/init(_:)``: `.high` and
/// `.userInitiated` in the high lane, `.medium` in the normal one with submitted closures, lower ones in
/// the background lane), first in first out within the lane.
///
/// ## Executor identity
/// The pool is its own executor identity (the default `asUnownedTaskExecutor()`), and its workers run
/// every job *on that identity*. So a task that prefers the pool sees, while it runs on a worker, that it
/// is already on its preferred executor, and a call to a `nonisolated` async function continues on the
/// same thread instead of being queued again. (The identity is not forwarded to the pool's internal
/// core: for `Task(executorPreference:)` the runtime retains the executor it is given but releases the
/// identity that `asUnownedTaskExecutor()` returns, so the two must be the same object.)
/// A task made with `Task(executorPreference:)` or `addTask(executorPreference:)` keeps the pool alive
/// until it ends; with `withTaskExecutorPreference`, keep the pool alive for the whole call yourself.
///
/// ## After shutdown
/// The runtime requires every enqueued job to run, so the pool accepts jobs in every state, unlike
/// ``ThreadPoolExecutor/submit(_:)``: after ``ThreadPoolExecutor/shutdown(wait:cancelFutures:)``, or
/// when the pool is broken or released, a job still joins the queue; if no worker is left, a new one is
/// started for it and exits once the queue is empty again. `shutdown(cancelFutures: true)` cancels
/// queued closures but never drops a job. A task that keeps preferring a shut-down pool therefore still
/// makes progress; prefer another executor (or `nil`) for work that should not outlive the pool.
///
/// ## What not to run here
/// Blocking stretches belong here, but a task that blocks a worker waiting for another task of the same
/// pool (for example with a semaphore) can exhaust the pool; `await` instead, which frees the worker.
extension ThreadPoolExecutor: TaskExecutor {
    /// Queues a job from the Swift runtime; one of the pool's workers runs it.
    ///
    /// Called by the runtime, not by you. Accepted in every state of the pool (see the type's
    /// discussion of shutdown).
    ///
    /// - Parameter job: the job to run, once, on a worker thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        core.enqueue(UnownedJob(job))
    }
}
