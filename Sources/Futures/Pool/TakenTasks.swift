import Synchronization

/// One worker's ``TaskRun`` under a lock of its own: the tasks it took from the pool's queue in one trip
/// through the pool's lock, not yet started.
///
/// While many tasks wait, a worker takes a run of them at once, so the pool's lock, and the cache lines it
/// guards, change hands once per run instead of once per task: for tiny tasks that is most of what a task
/// costs. The owning worker takes its next task with ``next()`` under this object's lock, which no other
/// thread takes but to steal, cancel, count or find a task (through ``WorkerRuns``): the lock stays in the
/// owner's cache and costs a few nanoseconds.
///
/// Lock order: ``WorkerRuns``' lock, then runs' locks, then the pool's. The owner holds its run while the
/// pool's machine fills it, so no task is ever between the queue and a run where ``WorkerRuns`` could miss
/// it; ``ThreadPoolCore/statistics`` holds every run while it reads the machine. Nobody takes a run's lock
/// while holding the pool's, and nobody holds one run's lock while waiting for another's but that read.
///
/// A thief looks at ``mayHaveUnstarted`` before it takes a run's lock, so that a steal passes the empty
/// runs of many idle workers with one atomic read each rather than a lock each, while the thieves queue on
/// ``WorkerRuns``' lock (with 64 workers and tiny tasks, that lock was the first symbol of the profile).
final class TakenTasks: Sendable {
    private let run = Locked(TaskRun())
    /// Whether the run may hold tasks not started: set under the run's lock whenever others change the run
    /// (``withRun(_:)``; not by the owner's ``next()``, which only lowers the count), and set *before* the
    /// pool's machine may fill the run under the pool's lock (``withRunToFill(_:)``), so that a worker the
    /// machine then tells to steal sees a run filled before it was told. False only when the run has
    /// nothing to steal.
    private let unstarted = Atomic<Bool>(false)

    init() {}

    /// Runs `body` with the run, holding its lock: the owner, to let the pool's machine refill it.
    @inline(__always)
    func withRun<Result>(_ body: (inout TaskRun) throws -> Result) rethrows -> Result {
        try run.withLock { run in
            defer { unstarted.store(run.unstartedSlots > 0, ordering: .releasing) }
            return try body(&run)
        }
    }

    /// ``withRun(_:)`` for the owner asking the pool's machine for work, which may fill the run under the
    /// pool's lock: the run counts as maybe holding tasks from before the pool's lock is taken (a thief that
    /// finds it so takes its lock, as every thief did before the hint), and exactly once `body` returns.
    /// The first store is made under the run's lock, so no thief's store can come between it and the
    /// fill. The exact value is stored after the run's lock is released: only the owner adds tasks to its
    /// run, so what others do meanwhile (steal, remove) can only leave the hint too high, never too low.
    @inline(__always)
    func withRunToFill<Result>(_ body: (inout TaskRun) throws -> Result) rethrows -> Result {
        let (result, holdsTasks) = try run.withLock { run in
            unstarted.store(true, ordering: .releasing)
            return (try body(&run), run.unstartedSlots > 0)
        }
        unstarted.store(holdsTasks, ordering: .releasing)
        return result
    }

    /// Whether the run may hold tasks not started (read without its lock; see ``unstarted``).
    var mayHaveUnstarted: Bool { unstarted.load(ordering: .acquiring) }

    /// The next task of the run, moved out; `nil` when the run is done.
    func next() -> QueuedTask? {
        // The hint is left as it is: true while the owner drains its run (a thief then takes the run's lock
        // and finds what is left, as before the hint), exact again when the owner next asks for work.
        // Updating it here cost about 15 instructions per task.
        run.withLock { $0.next() }
    }
}
