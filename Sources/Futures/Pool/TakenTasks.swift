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
final class TakenTasks: Sendable {
    private let run = Locked(TaskRun())

    init() {}

    /// Runs `body` with the run, holding its lock: the owner, to let the pool's machine refill it.
    func withRun<Result>(_ body: (inout TaskRun) throws -> Result) rethrows -> Result {
        try run.withLock { run in try body(&run) }
    }

    /// The next task of the run, moved out; `nil` when the run is done.
    func next() -> QueuedTask? {
        run.withLock { $0.next() }
    }
}
