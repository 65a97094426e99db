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
    /// broken, or the submit could start no worker thread (``ExecutorError/threadStartFailed(_:)``).
    public var rejected: Int

    /// One line with every figure.
    public var description: String {
        "threads \(threads) (idle \(idleThreads), busy \(busyThreads), started \(threadsStarted)), queued \(queued) "
            + "(largest \(largestQueue)), submitted \(submitted), completed \(completed), failed \(failed), "
            + "cancelled \(cancelled), rejected \(rejected)"
    }
}

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

/// The clock readings behind a future's ``TaskTimes``: set once each, by the submitting thread and the
/// thread that runs the work.
final class TaskTimer: Sendable {
    private struct Readings {
        var submitted: Deadline
        var started: Deadline?
        var ended: Deadline?
    }

    private let readings: Locked<Readings>

    init() {
        readings = Locked(Readings(submitted: .now()))
    }

    func start() {
        let now = Deadline.now()
        readings.withLock { $0.started = now }
    }

    func end() {
        let now = Deadline.now()
        readings.withLock { $0.ended = now }
    }

    var times: TaskTimes {
        readings.withLock { readings in
            TaskTimes(
                queued: readings.started.map { Self.duration(from: readings.submitted, to: $0) },
                running: readings.started.flatMap { start in readings.ended.map { Self.duration(from: start, to: $0) } }
            )
        }
    }

    private static func duration(from start: Deadline, to end: Deadline) -> Duration {
        end.nanoseconds > start.nanoseconds ? .nanoseconds(Int64(clamping: end.nanoseconds - start.nanoseconds)) : .zero
    }
}
