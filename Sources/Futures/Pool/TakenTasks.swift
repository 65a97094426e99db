/// Tasks a worker took from the pool's queue in one trip through the pool's lock, in queue order, not yet
/// started: the worker's *run*.
///
/// While many tasks wait, a worker takes a run of them at once (see `PoolStateMachine.nextWork`), so the
/// pool's lock, and the cache lines it guards, change hands once per run instead of once per task: for
/// tiny tasks that is most of what a task costs. The tasks stay visible to the pool, which keeps every
/// worker's run: `shutdown(cancelFutures:)` and a broken pool take them back with the queued ones, a
/// worker that waits for one of them takes it out and runs it itself, as it would from the queue, and a
/// worker that finds the queue empty takes the front half of another's run before it goes idle, so no
/// task waits behind a long one while a worker has nothing to do.
///
/// The owning worker takes tasks from the front with ``next()``, under this object's own lock, which no
/// other thread takes unless it is holding the pool's lock to steal, cancel, count or find a task: the lock
/// stays in the owner's cache, and taking it costs a few nanoseconds. Every other method is called with the
/// pool's lock held (the lock order is always the pool's lock, then this one).
final class TakenTasks: Sendable {
    private struct Run {
        /// `nil` where a task was taken out.
        var tasks: [QueuedTask?] = []
        /// The index of the next task to run.
        var next = 0

        var unstarted: Int { tasks.count - next }

        mutating func reset() {
            tasks.removeAll(keepingCapacity: true)
            next = 0
        }
    }

    private let run = Locked(Run())

    init() {}

    /// Replaces the (finished) run with up to `count` tasks from the front of `queue`, stopping at a runtime
    /// job. Returns how many it took.
    func refill(from queue: inout WorkQueue, count: Int) -> Int {
        run.withLock { run in
            run.reset()
            while run.tasks.count < count, let task = queue.popFirstTask() {
                run.tasks.append(task)
            }
            return run.tasks.count
        }
    }

    /// Replaces the (finished) run with `tasks`, stolen from another worker's run.
    func refill(with tasks: [QueuedTask]) {
        run.withLock { run in
            run.reset()
            for task in tasks { run.tasks.append(task) }
        }
    }

    /// The next task of the run, moved out; `nil` when the run is done.
    func next() -> QueuedTask? {
        run.withLock { run in
            while run.next < run.tasks.count {
                defer { run.next += 1 }
                if let task = run.tasks[run.next].take() { return task }
            }
            return nil
        }
    }

    /// Takes the front half (rounded up) of the tasks not yet started, for an idle worker to run.
    func stealFront() -> [QueuedTask] {
        run.withLock { run in
            let end = run.next + (run.unstarted + 1) / 2
            var stolen: [QueuedTask] = []
            while run.next < end {
                if let task = run.tasks[run.next].take() { stolen.append(task) }
                run.next += 1
            }
            return stolen
        }
    }

    /// How many tasks of the run have not started.
    var unstartedCount: Int {
        run.withLock { run in run.tasks[run.next...].reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
    }

    /// Takes out every task not yet started, in order.
    func removeAll() -> [QueuedTask] {
        run.withLock { run in
            var rest: [QueuedTask] = []
            while run.next < run.tasks.count {
                if let task = run.tasks[run.next].take() { rest.append(task) }
                run.next += 1
            }
            run.reset()
            return rest
        }
    }

    /// Takes `task` out if it has not started. Returns whether it was there.
    func remove(task: AnyObject) -> Bool {
        run.withLock { run in
            OperationCounters.countQueueEntriesExamined(run.tasks.count - run.next)
            guard let index = run.tasks[run.next...].firstIndex(where: { $0?.object === task }) else { return false }
            run.tasks[index] = nil
            return true
        }
    }
}
