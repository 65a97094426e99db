import Synchronization

/// A snapshot of a ``ThreadPoolExecutor``'s threads, queue and counts, taken under the pool's lock in
/// one step, so the numbers agree with each other. Read it through ``ThreadPoolExecutor/statistics``.
///
/// The counts cover tasks handed to ``ThreadPoolExecutor/submit(_:)`` and its async form, not jobs of
/// Swift tasks running on the pool as a `TaskExecutor`. A task is counted in exactly one of
/// ``completed``, ``failed`` or ``cancelled`` once the pool is done with it: when it finished running,
/// when a worker reached it in the queue and found it cancelled, or when `shutdown(cancelFutures: true)`
/// or a broken pool took it out of the queue. So after ``ThreadPoolExecutor/waitUntilIdle(timeout:)-60tip``,
/// `submitted == completed + failed + cancelled`.
public struct ThreadPoolStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Worker threads alive now.
    public var threads: Int
    /// Workers waiting for work.
    public var idleThreads: Int
    /// Workers running a task, or between tasks: `threads - idleThreads`.
    public var busyThreads: Int
    /// Entries waiting in the queue now.
    public var queued: Int
    /// The most entries the queue has held at once.
    public var largestQueue: Int
    /// Worker threads started since the pool was made (more than ``threads`` once some have exited). A thread
    /// that could not start is not counted.
    public var threadsStarted: Int
    /// Tasks accepted by `submit`, including those run on the caller under ``QueueFullPolicy/runOnCaller``.
    public var submitted: Int
    /// Tasks whose work returned a value.
    public var completed: Int
    /// Tasks whose work threw, or that failed because the pool broke or no worker thread could start.
    public var failed: Int
    /// Tasks cancelled before they ran.
    public var cancelled: Int
    /// Submits refused: the queue was full under ``QueueFullPolicy/reject``, the pool was shut down or
    /// broken, or the submit could start no worker thread (``ThreadStartError``).
    public var rejected: Int

    /// One line with every figure.
    public var description: String {
        "threads \(threads) (idle \(idleThreads), busy \(busyThreads), started \(threadsStarted)), queued \(queued) "
            + "(largest \(largestQueue)), submitted \(submitted), completed \(completed), failed \(failed), "
            + "cancelled \(cancelled), rejected \(rejected)"
    }
}
