/// The thread pool's bookkeeping, with no locks and no side effects: the queue, the idle workers, the
/// thread count, and the pool's lifecycle.
///
/// Each event returns an action for ``ThreadPoolCore`` to perform after releasing the lock: wake a parked
/// worker, start a thread, cancel or fail queued work, wake the threads waiting in `shutdown(wait: true)`.
///
/// Lifecycle: `open` → `shutDown` (by `shutdown`) or `open` → `broken` (an initializer threw); a broken
/// pool that is shut down stays broken. In both final states no task is accepted; jobs from the Swift
/// runtime still are, because every enqueued job must run.
struct PoolStateMachine {
    enum Lifecycle: Equatable {
        case open
        case shutDown
        case broken(String)
    }

    let maxWorkers: Int
    private(set) var lifecycle = Lifecycle.open
    /// Entries waiting for a worker.
    private(set) var queue = WorkQueue()
    /// Workers parked for want of work, the most recently parked last.
    private var idle: [Parker] = []
    /// Worker threads alive now.
    private(set) var liveThreads = 0
    /// Worker threads ever started.
    private(set) var threadsStarted = 0
    /// Workers of this pool blocked in `shutdown(wait: true)`: they wait for the others, not themselves.
    private var workersAwaitingExit = 0
    /// Threads and tasks blocked in `shutdown(wait: true)`.
    private var exitWaiters: [any Waker] = []

    init(maxWorkers: Int) {
        self.maxWorkers = maxWorkers
    }

    // MARK: Submitting

    enum SubmitAction {
        case none
        /// Wake this parked worker.
        case wake(Parker)
        /// Start a thread with this number.
        case startThread(Int)
    }

    /// Queues a submitted task. Throws if the pool takes no more work.
    mutating func submit(_ task: any QueuedTask) throws(ExecutorError) -> SubmitAction {
        switch lifecycle {
        case .open: break
        case .shutDown: throw .shutDown
        case .broken(let message): throw .broken(message)
        }
        queue.append(.task(task))
        return dispatch()
    }

    /// Queues a job from the Swift runtime. Accepted in every state: the runtime requires each job to run,
    /// so after shutdown a thread is started for it if none is left.
    mutating func enqueue(_ job: UnownedJob) -> SubmitAction {
        queue.append(.job(job))
        if lifecycle != .open && liveThreads == 0 {
            return startThread()
        }
        return dispatch()
    }

    /// Finds a worker for new work: an idle one, else a new thread while under the limit.
    private mutating func dispatch() -> SubmitAction {
        if let parker = idle.popLast() { return .wake(parker) }
        if liveThreads < maxWorkers { return startThread() }
        return .none
    }

    private mutating func startThread() -> SubmitAction {
        liveThreads += 1
        threadsStarted += 1
        return .startThread(threadsStarted - 1)
    }

    /// Starting a thread failed: take back the count.
    mutating func threadDidNotStart() -> [any Waker] {
        liveThreads -= 1
        return takeExitWaitersIfDone()
    }

    // MARK: Workers

    enum WorkerAction {
        case run(WorkItem)
        /// Park until woken; the worker is on the idle list.
        case park
        /// The pool is finished with this worker: it exits, and wakes these `shutdown(wait: true)` callers.
        case exit([any Waker])
    }

    /// A worker asks for its next entry. `parker` is the worker's own; if the worker is still on the idle
    /// list (it woke without being picked), it is taken off before it takes work.
    mutating func nextWork(for parker: Parker, wasParked: Bool) -> WorkerAction {
        if wasParked, let index = idle.lastIndex(where: { $0 === parker }) {
            idle.remove(at: index)
        }
        if let item = queue.popFirst() {
            return .run(item)
        }
        if lifecycle != .open {
            liveThreads -= 1
            return .exit(takeExitWaitersIfDone())
        }
        idle.append(parker)
        return .park
    }

    // MARK: Shutting down

    struct ShutdownAction {
        /// Idle workers to wake so they see the shutdown and exit.
        var wake: [Parker] = []
        /// Queued tasks to cancel, after the lock is released.
        var cancel: [any QueuedTask] = []
        /// Queued tasks to fail with the pool's error, after the lock is released.
        var fail: [any QueuedTask] = []
    }

    /// `shutdown`: takes no more tasks; with `cancelFutures`, hands back every queued task to cancel (jobs
    /// stay: they must run).
    mutating func shutdown(cancelFutures: Bool) -> ShutdownAction {
        if lifecycle == .open { lifecycle = .shutDown }
        var action = ShutdownAction()
        if cancelFutures {
            action.cancel = removeQueuedTasks()
        }
        action.wake = idle
        idle.removeAll()
        return action
    }

    /// An initializer threw: the pool breaks, and every queued task fails.
    mutating func breakPool(_ message: String) -> ShutdownAction {
        if case .broken = lifecycle {} else { lifecycle = .broken(message) }
        var action = ShutdownAction()
        action.fail = removeQueuedTasks()
        action.wake = idle
        idle.removeAll()
        return action
    }

    /// Removes the queued tasks, keeping the jobs in order.
    private mutating func removeQueuedTasks() -> [any QueuedTask] {
        var tasks: [any QueuedTask] = []
        for item in queue.removeAll() {
            switch item {
            case .task(let task): tasks.append(task)
            case .job: queue.append(item)
            }
        }
        return tasks
    }

    /// A pool worker waits, from inside a task, for a not-yet-started task of the pool: take it out of the
    /// queue so the worker can run it itself.
    mutating func removeQueued(_ task: AnyObject) -> Bool {
        queue.remove(task: task)
    }

    // MARK: Waiting for the workers to exit

    /// `shutdown(wait: true)`: returns `false` if every worker (but the callers' own) has exited, else
    /// registers `waker` to be woken when they have and returns `true`; the caller then sleeps and calls
    /// ``exitWaitEnded(_:callerIsWorker:)`` when it wakes.
    mutating func awaitExit(_ waker: any Waker, callerIsWorker: Bool) -> Bool {
        if liveThreads <= workersAwaitingExit + (callerIsWorker ? 1 : 0) { return false }
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
        guard liveThreads <= workersAwaitingExit, !exitWaiters.isEmpty else { return [] }
        let waiters = exitWaiters
        exitWaiters.removeAll()
        return waiters
    }
}
