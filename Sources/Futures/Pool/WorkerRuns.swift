/// Every live worker's ``TakenTasks``, kept by ``ThreadPoolCore`` beside its threads, for what looks across
/// the runs: stealing, cancelling on shutdown, finding a task for a waiting worker, counting for
/// ``ThreadPoolExecutor/statistics``.
///
/// Each of those holds this object's lock while it goes through the runs, one run's lock at a time, so
/// none of them ever sees a task between two runs (a steal moves tasks under this lock). None is called
/// with the pool's lock held: the pool's ``PoolStateMachine`` says when to call them (the worker step
/// ``PoolStateMachine/WorkerAction/steal(since:)``, ``PoolStateMachine/ShutdownAction/takeBackRuns``,
/// ``PoolStateMachine/RemoveAction/searchRuns``) and is told the outcome by a later event.
final class WorkerRuns: Sendable {
    private let runs = Locked<[TakenTasks]>([])

    init() {}

    /// A worker starts: its run joins the others.
    func add(_ run: TakenTasks) {
        runs.withLock { $0.append(run) }
    }

    /// A worker exits (its run is empty).
    func remove(_ run: TakenTasks) {
        runs.withLock { $0.removeAll { $0 === run } }
    }

    /// Moves the front half of the first other run that holds tasks not yet started into `thief`, which
    /// is empty. Returns how many it moved. Runs whose ``TakenTasks/mayHaveUnstarted`` is false are passed
    /// without taking their lock.
    ///
    /// - Complexity: O(live workers + ``PoolStateMachine/runLength`` × the runs that may hold tasks).
    func steal(into thief: TakenTasks) -> Int {
        runs.withLock { runs in
            for victim in runs where victim !== thief && victim.mayHaveUnstarted {
                let stolen = victim.withRun { $0.stealFront() }
                if !stolen.isEmpty {
                    let count = stolen.count
                    thief.withRun { $0.refill(with: stolen) }
                    return count
                }
            }
            return 0
        }
    }

    /// Takes `task` out of whichever run holds it, if it has not started. Returns whether it was there.
    ///
    /// - Complexity: O(live workers × ``PoolStateMachine/runLength``).
    func remove(task: AnyObject) -> Bool {
        runs.withLock { runs in runs.contains { $0.withRun { $0.remove(task: task) } } }
    }

    /// Takes out every task not yet started from every run, in queue order within a run.
    func removeAll() -> [QueuedTask] {
        runs.withLock { runs in runs.flatMap { $0.withRun { $0.removeAll() } } }
    }

    /// How many tasks in all the runs have not started.
    var unstartedCount: Int {
        runs.withLock { runs in runs.reduce(0) { $0 + $1.withRun { $0.unstartedCount } } }
    }

    /// Runs `body` with every run's lock held, so that no task enters a run, leaves one or starts from one
    /// meanwhile, passing how many tasks the runs hold that have not started. `body` may take the pool's
    /// lock (a run's lock comes before it): ``ThreadPoolCore/statistics`` reads the machine there, and so
    /// gets one snapshot of both.
    ///
    /// - Complexity: O(live workers × ``PoolStateMachine/runLength``).
    func withEveryRunHeld<Result: Sendable>(_ body: (_ unstarted: Int) -> Result) -> Result {
        runs.withLock { runs in Self.hold(runs[...], counted: 0, body) }
    }

    private static func hold<Result: Sendable>(
        _ rest: ArraySlice<TakenTasks>, counted: Int, _ body: (Int) -> Result
    ) -> Result {
        guard let first = rest.first else { return body(counted) }
        return first.withRun { run in hold(rest.dropFirst(), counted: counted + run.unstartedCount, body) }
    }
}
