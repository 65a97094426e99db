/// The thread pool's bookkeeping, as plain values with no side effects: the queue, the idle workers, the
/// thread count, the pool's lifecycle, the callers waiting for room or for idleness, and the statistics.
/// It holds references only to hand them back (the workers' ``Parker``s, the waiters, the queued tasks);
/// it calls nothing on them, takes no lock and starts nothing.
///
/// Each event is a `mutating` function that returns what ``ThreadPoolCore`` performs after releasing the
/// lock: wake a parked worker or waiter, start a thread, steal from another worker's run, cancel or fail
/// queued work. One action type per family of events:
///
/// | Family | Events | Action |
/// |---|---|---|
/// | submitting | `submit`, `enqueue` | ``SubmitAction`` |
/// | a worker | `nextWork`, `stealFailed`, `taskFinished`, `keepAliveExpired`, `workerRetiring` | ``WorkerStep`` |
/// | a worker, after completing its last future | `tasksSettled` | the wakers to wake |
/// | ending work in bulk | `shutdown`, `breakPool`, `threadDidNotStart`, `handedBackTasksEnded` | ``ShutdownAction`` |
/// | a waiting worker helping | `removeQueued` | ``HelpAction`` |
/// | waiters | `awaitIdle`, `awaitExit`, `awaitTermination` (whether to sleep); the `…Ended` events, `ranInline`, `workerRetired`, `workerExited` | `Bool`; the wakers to wake |
///
/// Lifecycle: `open` → `shutDown` (by `shutdown`) or `open` → `broken` (an initializer threw); a broken
/// pool that is shut down stays broken. In both final states no task is accepted; jobs from the Swift
/// runtime still are, because every enqueued job must run.
///
/// A submitted task is *unfinished* from `submit` until the pool is done with it: a worker ran it (or
/// found it cancelled), or shutdown or a broken pool took it out of the queue or a worker's run, and its
/// future is completed. `waitUntilIdle` waits for the unfinished count to reach zero. A task is counted
/// in the statistics under the lock, but its future is completed after the lock is released: in between
/// it is *settling*, still unfinished, until the worker or the core reports it (``settling``).
///
/// Transitions, by event family:
///
/// ```
///   lifecycle:  open ──shutdown──▶ shutDown          open ──breakPool──▶ broken (──shutdown──▶ broken)
///   a task:     submit ──▶ queued ──nextWork──▶ running ──nextWork(finished:)──▶ counted
///                            │                             └──taskFinished──▶ settling ──tasksSettled /
///                            │                                  nextWork(finished: settled)──▶ counted
///                            │ └──nextWork (long queue)──▶ in a worker's run ──next()──▶ running
///                            │                                  ├──steal──▶ in another worker's run
///                            │                                  └──takeBackRuns──handedBackTasksEnded──▶ counted
///                            ├──removeQueued + ranInline (a waiting worker runs it) ──▶ counted
///                            └──shutdown(cancelFutures: true) / breakPool / threadDidNotStart ──▶ settling
///                                 ──handedBackTasksEnded──▶ counted
///   a worker:   startThread ──workerStarted──▶ busy ──nextWork──▶ busy | stealing | idle | exiting
///               stealing ──(tasks found) nextWork / (none) stealFailed──▶ busy | idle | exiting
///               idle ──(woken by submit / shutdown)──nextWork(wasParked:)──▶ busy | exiting
///               (a submit wakes one only when no woken worker is on its way; one that arrives wakes more)
///               idle ──keepAliveExpired──▶ leaving ──workerRetired──▶ gone
///               busy ──workerRetiring (maxTasksPerWorker)──▶ leaving ──workerRetired──▶ gone
///               exiting ──workerExited──▶ gone          startThread ──threadDidNotStart──▶ gone
///   waiters:    awaitIdle / awaitExit / awaitTermination / submit(orWait:) register a waker, handed back
///               in an action when unfinished reaches 0 / the workers are gone / the pool terminates /
///               room frees up; the *WaitEnded events take back a waiter that woke for another reason.
/// ```
///
/// **Runs.** While the queue is long, a worker takes a run of tasks at once into a ``TaskRun`` it owns
/// (``nextWork(for:wasParked:finished:run:)`` fills it while the worker holds the run's own lock), and
/// then starts them one after another under that small lock alone: the pool's lock and its cache lines
/// change hands once per run, not once per task (W1 ~130 ns per task). The machine keeps no run: it counts
/// the workers that may hold one (``runsOut``), and its actions tell the core when to look across the runs,
/// which the core keeps beside the threads (``WorkerRuns``): a worker with nothing to do steals
/// (``WorkerAction/steal(since:)``), shutdown takes the runs back (``ShutdownAction/takeBackRuns``), a
/// waiting worker searches them (``HelpAction/searchRuns``), and ``ThreadPoolCore/statistics`` counts them.
struct PoolStateMachine {
    enum Lifecycle: Equatable {
        case open
        case shutDown
        case broken(String)
    }

    // Declared in this order on purpose: Swift lays a struct out in declaration order, and `ContendedLock` puts
    // it right after its mutex on a cache-line boundary. The fields that the submitter and the workers both
    // write for every task (the counts of queued and unfinished tasks, the submitted and completed counts,
    // and the normal lane of the queue, which `WorkLanes` keeps first) share the mutex's cache line and the
    // next one, also after the 64-byte mutex of Apple's platforms; the fields read on every submit but
    // rarely written (the idle list, the waiter lists, the limits, the lifecycle) follow on lines of their
    // own, which stay in every core's cache. Spread over five lines, as they once were, the same fields cost
    // about 10 % more per task in W1.

    /// Entries in `queue`, not counting the holes that `removeQueued(_:ticket:)` leaves.
    private(set) var queued = 0
    /// Submitted tasks the pool is not done with: queued, running, or counted in the statistics but with
    /// their futures still being completed (``settling``).
    private(set) var unfinished = 0
    private(set) var counts = Counts()
    /// Entries waiting for a worker, in their ``WorkPriority`` lanes.
    private(set) var queue = WorkLanes()
    /// The totals behind ``ThreadPoolStatistics`` that are not written for every task.
    private var tallies = Tallies()
    /// Workers parked for want of work, the most recently parked last (so the longest idle retire first),
    /// except that one still completing its last future goes first (see ``taskFinished(_:for:)``).
    private var idle: [Parker] = []
    /// Workers taken off ``idle`` and woken that have not come back for work yet: on their way. While one
    /// is, a submit wakes no other; each that arrives and finds more queued than workers on their way
    /// wakes up to ``wakesPerArrival`` more (see ``dispatch()``).
    private(set) var waking = 0
    /// Submitters waiting for room in a full queue, first come first served.
    private var roomWaiters: [any Waker] = []
    /// Callers of `waitUntilIdle`.
    private var idleWaiters: [any Waker] = []
    /// Tasks counted in the statistics whose futures are still being completed (and their callbacks run)
    /// outside the lock: the last task a worker ran with nothing queued behind it
    /// (``taskFinished(_:for:)``), and the tasks a shutdown or a broken pool hands back to cancel or fail.
    /// They stay ``unfinished`` until they are reported settled, so `waitUntilIdle` never returns while a
    /// future it waited for is still pending.
    private(set) var settling = 0
    let maxWorkers: Int
    /// The bound on ``queued``; `nil` for none.
    let maxQueued: Int?
    private(set) var lifecycle = Lifecycle.open
    /// Worker threads alive now.
    private(set) var liveThreads = 0
    /// Worker threads ever started (a start that failed is taken back).
    private(set) var threadsStarted = 0
    /// Thread numbers handed out, for the threads' names; a failed start uses one up.
    private var threadNumbers = 0
    /// After a thread failed to start while others ran: how many more submits that find no idle worker
    /// leave the work to the running workers before a start is tried again.
    private var startBackoff = 0
    /// Workers that never retire for idleness.
    let minWorkers: Int
    /// Workers of this pool blocked in `shutdown(wait: true)`: they wait for the others, not themselves.
    private var workersAwaitingExit = 0
    /// Threads and tasks blocked in `shutdown(wait: true)`.
    private var exitWaiters: [any Waker] = []
    /// Workers that were handed a run (or told to steal one) and have not come back for more since: no other
    /// run can hold a task that has not started, so with none out, nothing looks at the runs.
    private(set) var runsOut = 0
    /// How many runs the machine has filled from the queue, ever (wrapping): a worker whose steal found
    /// nothing tries again only if a run was filled since it was told to steal (see ``stealFailed(for:since:)``).
    private var runsFilled: UInt = 0
    /// Whether workers take runs: not with ``ThreadPoolConfiguration/maxTasksPerWorker``, where a worker
    /// takes one task at a time to stop right at its limit.
    let takesRuns: Bool
    /// Workers that called ``workerStarted()`` and not yet ``workerExited()``.
    private var workersInLoop = 0
    /// Workers retiring while the pool goes on (keep-alive, ``ThreadPoolConfiguration/maxTasksPerWorker``):
    /// out of ``liveThreads`` (a replacement may start) but still running their ``WorkerLocal`` cleanups and
    /// exit hook, which `shutdown(wait: true)` waits for.
    private var leavingThreads = 0
    /// Callers of `awaitTermination`.
    private var terminationWaiters: [any Waker] = []

    /// The running totals behind ``ThreadPoolStatistics`` that are written for every task.
    struct Counts {
        var submitted = 0
        var completed = 0
    }

    /// The rest of the totals behind ``ThreadPoolStatistics``.
    struct Tallies {
        var largestQueue = 0
        var failed = 0
        var cancelled = 0
        var rejected = 0
    }

    init(maxWorkers: Int, maxQueued: Int? = nil, minWorkers: Int = 0, takesRuns: Bool = true) {
        self.maxWorkers = maxWorkers
        self.maxQueued = maxQueued
        self.minWorkers = minWorkers
        self.takesRuns = takesRuns
    }

    /// The statistics, counting as queued only the queue: tasks in workers' runs (while ``runsOut`` is above
    /// zero) have left the queue but not started, and ``ThreadPoolCore/statistics`` adds them.
    var statistics: ThreadPoolStatistics {
        ThreadPoolStatistics(
            threads: liveThreads, idleThreads: idle.count, busyThreads: liveThreads - idle.count, queued: queued,
            largestQueue: tallies.largestQueue, threadsStarted: threadsStarted, submitted: counts.submitted,
            completed: counts.completed, failed: tallies.failed, cancelled: tallies.cancelled,
            rejected: tallies.rejected)
    }

    /// Submitters waiting for room now (for tests and diagnostics).
    var roomWaiterCount: Int { roomWaiters.count }

    private var isFull: Bool {
        guard let maxQueued else { return false }
        return queued >= maxQueued
    }

    // MARK: Submitting

    /// What the core does after a submit or an enqueue.
    enum SubmitAction {
        case none
        /// Wake this parked worker.
        case wake(Parker)
        /// Start a thread with this number.
        case startThread(Int)
        /// The queue is full: the task was not queued and nothing changed, except that
        /// ``submit(_:orWait:)`` registered its waiter.
        case full
    }

    /// Queues a submitted task in `lane`; ``SubmitAction/full`` if the queue is full (nothing changes
    /// then). Throws if the pool takes no more work.
    mutating func submit(_ task: QueuedTask, lane: WorkPriority = .normal) throws(ExecutorError) -> SubmitAction {
        var entry: QueuedTask? = task
        return try submit(taking: &entry, lane: lane)
    }

    /// ``submit(_:lane:)`` that moves the task out of `entry` into the queue when it is accepted (and
    /// leaves it there when the queue is full), so that queuing it costs no retain of the future.
    mutating func submit(
        taking entry: inout QueuedTask?, lane: WorkPriority = .normal
    ) throws(ExecutorError) -> SubmitAction {
        try checkOpen()
        if isFull { return .full }
        return accept(entry.take()!, lane: lane)
    }

    /// `submit` for a caller that waits for room: if the queue is full, registers `waiter` to be woken when
    /// a task leaves the queue, and returns ``SubmitAction/full``; the caller sleeps, calls
    /// ``roomWaitEnded(_:abandoning:)`` and tries again.
    mutating func submit(
        _ task: QueuedTask, lane: WorkPriority = .normal, orWait waiter: any Waker
    ) throws(ExecutorError) -> SubmitAction {
        try checkOpen()
        if isFull {
            roomWaiters.append(waiter)
            return .full
        }
        return accept(task, lane: lane)
    }

    /// A submit refused for want of room under the `reject` policy.
    mutating func rejectFull() {
        tallies.rejected += 1
    }

    /// A task the submitter ran itself (the `runOnCaller` policy, or `block` on a worker of this pool).
    mutating func ranOnCaller(_ outcome: QueuedTaskOutcome) {
        counts.submitted += 1
        count(outcome)
    }

    /// A room waiter woke: takes it off the list if it is still there. If it gives up (its task was
    /// cancelled) while there is room, the next waiter is returned to be woken in its place, so no room
    /// goes unused.
    mutating func roomWaitEnded(_ waiter: any Waker, abandoning: Bool) -> [any Waker] {
        if let index = roomWaiters.firstIndex(where: { $0 === waiter }) {
            roomWaiters.remove(at: index)
        }
        guard abandoning, !isFull, !roomWaiters.isEmpty else { return [] }
        return [roomWaiters.removeFirst()]
    }

    private mutating func checkOpen() throws(ExecutorError) {
        switch lifecycle {
        case .open: return
        case .shutDown:
            tallies.rejected += 1
            throw .shutDown
        case .broken(let message):
            tallies.rejected += 1
            throw .broken(message)
        }
    }

    private mutating func accept(_ task: consuming QueuedTask, lane: WorkPriority) -> SubmitAction {
        queue.append(.task(task), to: lane)
        queued += 1
        if queued > tallies.largestQueue { tallies.largestQueue = queued }
        counts.submitted += 1
        unfinished += 1
        return dispatch()
    }

    /// Queues a job from the Swift runtime, in the lane of its task's priority. Accepted in every state,
    /// full or not: the runtime requires each job to run, so after shutdown a thread is started for it if
    /// none is left.
    mutating func enqueue(_ job: UnownedJob) -> SubmitAction {
        queue.append(.job(job), to: WorkPriority(job: job.priority))
        queued += 1
        if queued > tallies.largestQueue { tallies.largestQueue = queued }
        if lifecycle != .open && liveThreads == 0 {
            return startThread()
        }
        return dispatch()
    }

    /// Finds a worker for new work: an idle one, else a new thread while under the limit (unless a start
    /// failed lately and workers are running: see ``threadDidNotStart(submitted:)``).
    ///
    /// Wake-ups are throttled: while an idle worker is already on its way (``waking``), a submit wakes no
    /// other, and the worker, when it arrives and takes its entry, wakes up to ``wakesPerArrival`` more if
    /// more entries are queued than workers are on their way. A burst of submits then costs the submitter
    /// one wake-up instead of one per task (a wake-up is a system call and a context switch, the largest
    /// part of a submit to an idle pool), and reaches k idle workers in about log₂ k hand-offs, each made by
    /// a worker. No entry waits while a worker idles without one on its way: whenever entries are queued and
    /// a worker is idle, ``waking`` is above zero (the exploration tests check this after every event).
    private mutating func dispatch() -> SubmitAction {
        if !idle.isEmpty {
            if waking > 0 { return .none }
            waking += 1
            return .wake(idle.removeLast())
        }
        if liveThreads < maxWorkers {
            if startBackoff > 0, liveThreads > 0 {
                startBackoff -= 1
                return .none
            }
            return startThread()
        }
        return .none
    }

    private mutating func startThread() -> SubmitAction {
        liveThreads += 1
        threadsStarted += 1
        threadNumbers += 1
        return .startThread(threadNumbers - 1)
    }

    /// After a thread fails to start while other workers run, this many submits that find no idle worker
    /// leave their work to the running workers before the pool tries to start a thread again: a pool at
    /// the process's thread limit does not try to start one on every submit.
    static let submitsBetweenStartAttempts = 64

    /// Starting a thread failed: the thread is taken back from the counts. If other workers run, the pool
    /// goes on with them and backs off from starting threads (``submitsBetweenStartAttempts``). If none
    /// does, nothing would run the queue: every queued task is handed back to fail
    /// (``ShutdownAction/fail``), except the task of `submitted`, the submit that asked for the thread,
    /// which is handed back apart (``ShutdownAction/submitted``: that submit throws, and counts as
    /// rejected).
    mutating func threadDidNotStart(submitted: ObjectIdentifier?) -> ShutdownAction {
        liveThreads -= 1
        threadsStarted -= 1
        var action = ShutdownAction()
        if liveThreads > 0 {
            startBackoff = Self.submitsBetweenStartAttempts
        } else {
            action.noWorkers = true
            startBackoff = 0
            var tasks = removeQueuedTasks()
            if let submitted, let index = tasks.firstIndex(where: { ObjectIdentifier($0.object) == submitted }) {
                action.submitted = tasks.remove(at: index)
                counts.submitted -= 1
                tallies.rejected += 1
            }
            tallies.failed += tasks.count
            settling += tasks.count + (action.submitted == nil ? 0 : 1)
            action.fail = tasks
            if runsOut > 0 { action.takeBackRuns = .fail }
            action.wakeWaiters += roomWaiters
            roomWaiters.removeAll()
        }
        action.wakeWaiters += takeExitWaitersIfDone() + takeTerminationWaitersIfDone()
        return action
    }

    // MARK: Workers

    enum WorkerAction {
        case run(WorkItem)
        /// The queue is empty but workers hold runs: take the front half of one into this worker's own
        /// (``WorkerRuns/steal(into:)``), then run them and call ``nextWork(for:wasParked:finished:run:)``
        /// with ``FinishedTasks/endsRun``, or, if none was found, call ``stealFailed(for:since:run:)`` with
        /// this number.
        case steal(since: UInt)
        /// Park until woken, until the deadline if one is given; the worker is on the idle list.
        case park(keepAlive: Bool)
        /// Complete the task's future, then ask again with ``nextWork(for:wasParked:finished:run:)``
        /// (after ``taskFinished(_:for:)`` while work is queued, or ``keepAliveExpired(for:)`` that did
        /// not retire the worker).
        case askAgain(wasParked: Bool)
        /// Leave the pool while it goes on: run the worker's cleanups and exit hook, then call
        /// ``workerRetired()``. `replacement`: first start a thread with this number for the queued work.
        case retire(replacement: Int?)
        /// The pool is finished with this worker: it exits.
        case exit
    }

    /// How many tasks a worker takes from the queue in one trip through the lock while the queue is long:
    /// at least this many per live worker must be waiting (see ``nextWork(for:wasParked:finished:run:)``).
    static let runLength = 8

    /// How the tasks a worker ran since its last trip through the lock ended.
    struct FinishedTasks {
        var succeeded = 0
        var failed = 0
        var cancelled = 0
        /// All of them, including those someone else claimed first (`notRun`).
        var total = 0
        /// They were the worker's run (``WorkerStep/tookRun``, or a steal), which is now done.
        var endsRun = false
        /// Tasks already counted by ``PoolStateMachine/taskFinished(_:for:)`` whose futures are now
        /// completed: they stop being ``PoolStateMachine/unfinished``.
        var settled = 0

        init() {}

        /// The task counted by ``PoolStateMachine/taskFinished(_:for:)``, whose future is now completed.
        /// (Computed, not a `static let`: the worker reads it once per task, and a lazy global costs a
        /// `swift_once` check each time.)
        static var settledOne: FinishedTasks {
            var finished = FinishedTasks()
            finished.settled = 1
            return finished
        }

        init(_ outcome: QueuedTaskOutcome) {
            add(outcome)
        }

        mutating func add(_ outcome: QueuedTaskOutcome) {
            switch outcome {
            case .succeeded: succeeded += 1
            case .failed: failed += 1
            case .cancelled: cancelled += 1
            case .notRun: break
            }
            total += 1
        }
    }

    /// A worker's next step, and the waiters to wake after the lock is released (a submitter for the room
    /// just freed, `waitUntilIdle` callers, `shutdown(wait: true)` callers, idle workers for the work
    /// queued). `wake` is empty, and costs no allocation, in the common case.
    struct WorkerStep {
        var action: WorkerAction
        var wake: [any Waker] = []
        /// More entries were queued behind the one this step runs, or the worker took a run of them: it will
        /// come straight back for the next, so it reports how its tasks ended in that same call rather than
        /// in ``taskFinished(_:for:)``.
        var moreQueued = false
        /// The worker's run was filled: it runs those tasks too before it comes back, and then says so with
        /// ``FinishedTasks/endsRun``.
        var tookRun = false
    }

    /// A worker asks for its next entry, telling how the tasks it ran since its last call ended (none after
    /// a job). `parker` is the worker's own; if the worker is still on the idle list (it woke without being
    /// picked), it is taken off before it takes work. `run` is the worker's own, empty, which it holds
    /// under its lock for this call.
    ///
    /// When at least ``runLength`` tasks per live worker are queued (the queue is unbounded and the pool
    /// ``takesRuns``), the worker also moves the next ``runLength`` − 1 tasks into `run`, to start one after
    /// another before it comes back: while the queue is that long no worker would be idle anyway, and the
    /// lock changes hands once per run instead of once per task. A shorter queue is shared out one task at
    /// a time. A worker that finds the queue empty while runs are out is told to steal
    /// (``WorkerAction/steal(since:)``) before it goes idle or exits, so no task waits behind another's
    /// long task while a worker has nothing to do.
    mutating func nextWork(
        for parker: Parker, wasParked: Bool, finished: FinishedTasks, run: inout TaskRun
    ) -> WorkerStep {
        var step = WorkerStep(action: .exit)
        takeBack(finished, wake: &step.wake)
        return next(step, for: parker, wasParked: wasParked, run: &run, maySteal: true)
    }

    /// A worker told to steal found no task in any run: it asks for its next entry. It is told to steal
    /// again only if a run was filled since it was told to steal (`since`, from
    /// ``WorkerAction/steal(since:)``), which its look may have missed; otherwise no run holds a task
    /// that has not started, and it takes what is queued, parks or exits.
    mutating func stealFailed(for parker: Parker, since filled: UInt, run: inout TaskRun) -> WorkerStep {
        runsOut -= 1
        return next(WorkerStep(action: .exit), for: parker, wasParked: false, run: &run, maySteal: runsFilled != filled)
    }

    /// Counts how the tasks a worker reports ended, and gives back its run.
    private mutating func takeBack(_ finished: FinishedTasks, wake: inout [any Waker]) {
        if finished.total > 0 {
            count(finished)
            taskEnded(wake: &wake, tasks: finished.total)
        }
        if finished.settled > 0 { settled(finished.settled, wake: &wake) }
        if finished.endsRun { runsOut -= 1 }
    }

    /// The second half of ``nextWork(for:wasParked:finished:run:)`` and ``stealFailed(for:since:run:)``:
    /// the worker's next entry, a steal, park or exit, added to `step`.
    private mutating func next(
        _ step: consuming WorkerStep, for parker: Parker, wasParked: Bool, run: inout TaskRun, maySteal: Bool
    ) -> WorkerStep {
        var step = step
        var arrived = false
        if wasParked {
            if let index = idle.lastIndex(where: { $0 === parker }) {
                idle.remove(at: index)  // it woke without being picked
            } else {
                waking -= 1  // it was picked and woken: it has arrived
                arrived = true
            }
        }
        if let (item, lane) = queue.popFirst() {
            queued -= 1
            if !roomWaiters.isEmpty { step.wake.append(roomWaiters.removeFirst()) }
            if case .task = item, takesRuns, maxQueued == nil {
                let taken = queue.refill(
                    &run, from: lane, count: Self.runLength - 1, ifAtLeast: Self.runLength * Swift.max(1, liveThreads))
                if taken > 0 {
                    queued -= taken
                    runsOut += 1
                    runsFilled &+= 1
                    step.tookRun = true
                }
            }
            if arrived { wakeMoreWorkers(into: &step.wake) }
            step.action = .run(item)
            step.moreQueued = step.tookRun || !queue.isEmpty
            return step
        }
        if runsOut > 0, takesRuns, maySteal {
            runsOut += 1  // until it comes back, this worker may hold a run
            step.action = .steal(since: runsFilled)
            return step
        }
        if lifecycle != .open {
            liveThreads -= 1
            step.wake += takeExitWaitersIfDone()
            return step
        }
        idle.append(parker)
        step.action = .park(keepAlive: liveThreads > minWorkers)
        return step
    }

    /// How many more idle workers a woken worker wakes when it arrives and finds entries queued that no
    /// worker on its way will take: two, so the wake-ups spread like a binary tree over the idle workers.
    static let wakesPerArrival = 2

    /// A woken worker arrived and took its entry: wakes up to ``wakesPerArrival`` idle workers for the
    /// entries still queued beyond those the workers already on their way will take.
    private mutating func wakeMoreWorkers(into wake: inout [any Waker]) {
        var wanted = Swift.min(Self.wakesPerArrival, queued - waking)
        while wanted > 0, let parker = idle.popLast() {
            waking += 1
            wanted -= 1
            wake.append(parker)
        }
    }

    /// A worker's task returned; its future is not completed yet. Counts how it ended and, when nothing
    /// is queued, puts the worker on the idle list (or lets it exit after shutdown) now, before anyone
    /// can see the future done: a caller that submits again as soon as `result()` returns then finds an
    /// idle worker instead of starting a thread. The action is ``WorkerAction/askAgain`` when work is
    /// queued (or runs are out): the worker takes it with ``nextWork(for:wasParked:finished:run:)`` once
    /// the future is completed, so the entry stays in the queue where a waiting worker can still run it
    /// itself. The step's wake-ups are for after the future is completed.
    ///
    /// The task stays ``unfinished`` (``settling``) until the worker reports its future completed: with
    /// ``FinishedTasks/settled`` in its next ``nextWork(for:wasParked:finished:run:)`` or
    /// ``workerRetiring(_:finished:wentIdle:)`` call, or, when it parks or exits, with ``tasksSettled(_:)``.
    /// Otherwise a `waitUntilIdle` that came in between would return before the future is done.
    mutating func taskFinished(_ outcome: QueuedTaskOutcome, for parker: Parker) -> WorkerStep {
        var step = WorkerStep(action: .askAgain(wasParked: false))
        count(outcome)
        settling += 1
        if !queue.isEmpty || runsOut > 0 { return step }
        if lifecycle != .open {
            liveThreads -= 1
            step.wake += takeExitWaitersIfDone()
            step.action = .exit
            return step
        }
        // At the front, not the back: this worker still has to complete the future and run its callbacks
        // (user code, which may take long) before it parks, so the workers that are parked already are
        // woken first. Picked while still busy, it would hold back every other wake-up until it arrives
        // (see ``dispatch()``).
        idle.insert(parker, at: 0)
        step.action = .park(keepAlive: liveThreads > minWorkers)
        return step
    }

    /// A worker's keep-alive ran out. It retires (``WorkerAction/retire(replacement:)``) if it is still
    /// idle, the pool is open with nothing queued, and more than ``minWorkers`` threads are alive;
    /// otherwise it asks for work as usual (``WorkerAction/askAgain``). A retiring worker is *leaving*
    /// until it calls ``workerRetired()``.
    mutating func keepAliveExpired(for parker: Parker) -> WorkerStep {
        guard lifecycle == .open, queue.isEmpty, runsOut == 0, liveThreads > minWorkers,
            let index = idle.lastIndex(where: { $0 === parker })
        else { return WorkerStep(action: .askAgain(wasParked: true)) }
        idle.remove(at: index)
        liveThreads -= 1
        leavingThreads += 1  // until `workerRetired()`
        return WorkerStep(action: .retire(replacement: nil))
    }

    private mutating func count(_ finished: FinishedTasks) {
        counts.completed += finished.succeeded
        tallies.failed += finished.failed
        tallies.cancelled += finished.cancelled
    }

    /// A worker starts, before it asks for work.
    mutating func workerStarted() {
        workersInLoop += 1
    }

    /// A worker exits, after its exit hook; its run is empty. Returns the `awaitTermination` callers to
    /// wake if that was the last one.
    mutating func workerExited() -> [any Waker] {
        workersInLoop -= 1
        return takeTerminationWaitersIfDone()
    }

    private mutating func count(_ outcome: QueuedTaskOutcome) {
        count(FinishedTasks(outcome))
    }

    /// The futures of `count` tasks counted earlier (``settling``) are now completed: the last task of a
    /// worker that went idle or exits (``taskFinished(_:for:)``). Returns the waiters that frees
    /// (`waitUntilIdle` callers, and `awaitTermination` callers if the pool is now terminated).
    mutating func tasksSettled(_ count: Int) -> [any Waker] {
        var wake: [any Waker] = []
        settled(count, wake: &wake)
        // Guarded: appending even an empty array to the empty `wake` allocates a buffer, once per task.
        if !terminationWaiters.isEmpty { wake += takeTerminationWaitersIfDone() }
        return wake
    }

    private mutating func settled(_ count: Int, wake: inout [any Waker]) {
        settling -= count
        taskEnded(wake: &wake, tasks: count)
    }

    /// One unfinished task less; wakes the idle waiters when none is left.
    private mutating func taskEnded(wake: inout [any Waker], tasks: Int = 1) {
        unfinished -= tasks
        if unfinished == 0, !idleWaiters.isEmpty {
            wake += idleWaiters
            idleWaiters.removeAll()
        }
    }

    // MARK: Running a queued task inline

    /// The ticket the next task queued in `lane` gets: the submitter hands it to the task's future
    /// (``QueuedTask/noteTicket(_:)``) so that ``removeQueued(_:ticket:)`` finds it in O(1).
    func nextTicket(for lane: WorkPriority) -> UInt32 { queue.nextTicket(for: lane) }

    /// What a worker waiting for a task of its own pool does.
    enum HelpAction {
        /// The task was taken out of the queue: run it here, then call ``ranInline(_:)``. `wake` is a
        /// submitter waiting for the room this freed.
        case run(wake: [any Waker])
        /// Not in the queue, but runs are out: look for it there (``WorkerRuns/remove(task:)``); if found,
        /// run it here and call ``ranInline(_:)``.
        case searchRuns
        /// Not waiting anywhere: it started, or was never this pool's.
        case none
    }

    /// A pool worker waits, from inside a task, for a not-yet-started task of the pool: take it out of the
    /// queue so the worker can run it itself.
    ///
    /// - Complexity: O(1) (the task is found by its `ticket`).
    mutating func removeQueued(_ task: AnyObject, ticket: UInt32) -> HelpAction {
        guard queue.remove(task: task, ticket: ticket) else { return runsOut > 0 ? .searchRuns : .none }
        queued -= 1
        return .run(wake: roomWaiters.isEmpty ? [] : [roomWaiters.removeFirst()])
    }

    /// A task taken out by ``removeQueued(_:ticket:)`` (or found in a run) ran on the waiting worker.
    mutating func ranInline(_ outcome: QueuedTaskOutcome) -> [any Waker] {
        var wake: [any Waker] = []
        count(outcome)
        taskEnded(wake: &wake)
        return wake
    }

    // MARK: Waiting for idleness

    /// `waitUntilIdle`: returns `false` if no submitted task is unfinished, else registers `waiter` and
    /// returns `true`; the caller sleeps and calls ``idleWaitEnded(_:)`` when it wakes.
    mutating func awaitIdle(_ waiter: any Waker) -> Bool {
        if unfinished == 0 { return false }
        idleWaiters.append(waiter)
        return true
    }

    mutating func idleWaitEnded(_ waiter: any Waker) {
        idleWaiters.removeAll { $0 === waiter }
    }

    // MARK: Ending work in bulk

    /// What to do with the tasks in the workers' runs (``ShutdownAction/takeBackRuns``).
    enum RunTakeBack {
        /// Cancel them (`shutdown(cancelFutures: true)`).
        case cancel
        /// Fail them with the pool's error (a broken pool, or no thread could start).
        case fail
    }

    /// What the core does after `shutdown`, `breakPool` or `threadDidNotStart`, in this order: take back
    /// the runs' tasks and cancel or fail them with the queued ones, wake the idle workers and the waiters,
    /// then, if it handed back or took back any task, report them with
    /// ``handedBackTasksEnded(_:takenBackFromRuns:as:)``. The queued tasks it hands back are counted in the
    /// statistics at once, but stay ``unfinished`` (``settling``) until that report: their futures are
    /// cancelled or failed after the lock is released, and `waitUntilIdle` must not return before.
    struct ShutdownAction {
        /// Idle workers to wake so they see the shutdown and exit.
        var wake: [Parker] = []
        /// Waiters to wake: submitters waiting for room (they see the shutdown and throw), and
        /// `waitUntilIdle` callers if nothing is left.
        var wakeWaiters: [any Waker] = []
        /// Queued tasks to cancel, after the lock is released.
        var cancel: [QueuedTask] = []
        /// Queued tasks to fail with the pool's error, after the lock is released.
        var fail: [QueuedTask] = []
        /// Workers hold runs: take every task not yet started out of them (``WorkerRuns/removeAll()``),
        /// before the queued ones in order, do this with them, and report how many with
        /// ``handedBackTasksEnded(_:takenBackFromRuns:as:)``.
        var takeBackRuns: RunTakeBack?
        /// `threadDidNotStart` only: no worker is left to run the queue, so the submit that asked for the
        /// thread throws.
        var noWorkers = false
        /// `threadDidNotStart` only: the asking submitter's own task, kept out of ``fail``: its `submit`
        /// throws instead, so the future, which nobody else holds, is cancelled quietly rather than failed
        /// unread.
        var submitted: QueuedTask?
    }

    /// `shutdown`: takes no more tasks; with `cancelFutures`, hands back every queued task to cancel, and
    /// has the runs taken back (jobs stay: they must run).
    mutating func shutdown(cancelFutures: Bool) -> ShutdownAction {
        if lifecycle == .open { lifecycle = .shutDown }
        var action = ShutdownAction()
        if cancelFutures {
            action.cancel = removeQueuedTasks()
            tallies.cancelled += action.cancel.count
            settling += action.cancel.count
            if runsOut > 0 { action.takeBackRuns = .cancel }
        }
        releaseSleepers(into: &action)
        action.wakeWaiters += takeTerminationWaitersIfDone()
        return action
    }

    /// An initializer threw: the pool breaks, and every queued task fails, those in runs too.
    mutating func breakPool(_ message: String) -> ShutdownAction {
        if case .broken = lifecycle {} else { lifecycle = .broken(message) }
        var action = ShutdownAction()
        action.fail = removeQueuedTasks()
        tallies.failed += action.fail.count
        settling += action.fail.count
        if runsOut > 0 { action.takeBackRuns = .fail }
        releaseSleepers(into: &action)
        action.wakeWaiters += takeTerminationWaitersIfDone()
        return action
    }

    /// The core cancelled or failed what a ``ShutdownAction`` handed back: `handedBack` queued tasks (its
    /// ``ShutdownAction/cancel``, ``ShutdownAction/fail`` and ``ShutdownAction/submitted``, counted
    /// already), and `takenBack` tasks it took out of the workers' runs for its
    /// ``ShutdownAction/takeBackRuns`` (`takeBack`), which are counted now. None of them is unfinished any
    /// more; the waiters that frees are handed back to wake.
    mutating func handedBackTasksEnded(
        _ handedBack: Int, takenBackFromRuns takenBack: Int, as takeBack: RunTakeBack?
    ) -> ShutdownAction {
        var action = ShutdownAction()
        guard handedBack + takenBack > 0 else { return action }
        switch takeBack {
        case .cancel?: tallies.cancelled += takenBack
        case .fail?: tallies.failed += takenBack
        case nil: break
        }
        settled(handedBack, wake: &action.wakeWaiters)
        taskEnded(wake: &action.wakeWaiters, tasks: takenBack)
        action.wakeWaiters += takeTerminationWaitersIfDone()
        return action
    }

    /// Hands every idle worker and every submitter waiting for room to `action`, to be woken: the pool
    /// takes no more tasks, so they must look again.
    private mutating func releaseSleepers(into action: inout ShutdownAction) {
        waking += idle.count
        action.wake = idle
        idle.removeAll()
        action.wakeWaiters += roomWaiters
        roomWaiters.removeAll()
    }

    /// Removes the queued tasks, keeping the jobs in order.
    private mutating func removeQueuedTasks() -> [QueuedTask] {
        let tasks = queue.removeAllTasks()
        queued = queue.count
        return tasks
    }

    // MARK: Waiting for the workers to exit

    /// `shutdown(wait: true)`: returns `false` if every worker (but the callers' own) has exited, else
    /// registers `waker` to be woken when they have and returns `true`; the caller then sleeps and calls
    /// ``exitWaitEnded(_:callerIsWorker:)`` when it wakes.
    mutating func awaitExit(_ waker: any Waker, callerIsWorker: Bool) -> Bool {
        if liveThreads + leavingThreads <= workersAwaitingExit + (callerIsWorker ? 1 : 0) { return false }
        if callerIsWorker { workersAwaitingExit += 1 }
        exitWaiters.append(waker)
        return true
    }

    /// A `shutdown(wait: true)` caller woke: undo its registration (it checks again with `awaitExit`).
    mutating func exitWaitEnded(_ waker: any Waker, callerIsWorker: Bool) {
        exitWaiters.removeAll { $0 === waker }
        if callerIsWorker { workersAwaitingExit -= 1 }
    }

    private mutating func takeExitWaitersIfDone() -> [any Waker] {
        guard liveThreads + leavingThreads <= workersAwaitingExit, !exitWaiters.isEmpty else { return [] }
        let waiters = exitWaiters
        exitWaiters.removeAll()
        return waiters
    }

    // MARK: Retiring after maxTasksPerWorker tasks

    /// A worker ran its ``ThreadPoolConfiguration/maxTasksPerWorker`` tasks (reporting how those since its
    /// last call ended): it leaves the idle list and the thread count and becomes *leaving* until
    /// ``workerRetired()``. If entries are queued, a replacement thread starts at once, before the leaving
    /// worker runs its cleanups (``WorkerAction/retire(replacement:)``); otherwise the next submit starts one
    /// as usual. The step's wake-ups are the waiters freed by the tasks it reports (room, idleness).
    ///
    /// `wentIdle`: ``taskFinished(_:for:)`` put the worker on the idle list (its step was
    /// ``WorkerAction/park(keepAlive:)``). If it is no longer there, a submit or a shutdown picked it and
    /// counted it as on its way (``waking``): it will not arrive, so it is taken off that count, or no
    /// submit would wake an idle worker again.
    mutating func workerRetiring(_ parker: Parker, finished: FinishedTasks, wentIdle: Bool = false) -> WorkerStep {
        var step = WorkerStep(action: .retire(replacement: nil))
        takeBack(finished, wake: &step.wake)
        if let index = idle.lastIndex(where: { $0 === parker }) {
            idle.remove(at: index)
        } else if wentIdle {
            waking -= 1
        }
        liveThreads -= 1
        leavingThreads += 1
        if queued > 0, liveThreads < maxWorkers, case .startThread(let number) = startThread() {
            step.action = .retire(replacement: number)
        }
        return step
    }

    /// A retiring worker (``workerRetiring(_:finished:wentIdle:)`` or ``keepAliveExpired(for:)``) ran its cleanups
    /// and exit hook. Returns the `shutdown(wait: true)` callers to wake if it was the last worker they
    /// waited for.
    mutating func workerRetired() -> [any Waker] {
        leavingThreads -= 1
        return takeExitWaitersIfDone()
    }

    // MARK: Termination

    /// Shut down (or broken), nothing queued or running, and every worker has left: its exit hook has run
    /// and it is off the pool's books. Jobs of Swift tasks enqueued later start a thread again.
    var isTerminated: Bool {
        lifecycle != .open && liveThreads == 0 && leavingThreads == 0 && workersInLoop == 0 && queued == 0
            && unfinished == 0
    }

    /// `awaitTermination`: returns `false` if the pool is terminated, else registers `waiter` and returns
    /// `true`; the caller sleeps and calls ``terminationWaitEnded(_:)`` when it wakes.
    mutating func awaitTermination(_ waiter: any Waker) -> Bool {
        if isTerminated { return false }
        terminationWaiters.append(waiter)
        return true
    }

    mutating func terminationWaitEnded(_ waiter: any Waker) {
        terminationWaiters.removeAll { $0 === waiter }
    }

    private mutating func takeTerminationWaitersIfDone() -> [any Waker] {
        guard !terminationWaiters.isEmpty, isTerminated else { return [] }
        let waiters = terminationWaiters
        terminationWaiters.removeAll()
        return waiters
    }

    /// The pool takes no more tasks: shut down or broken.
    var isShutDownOrBroken: Bool { lifecycle != .open }
}
