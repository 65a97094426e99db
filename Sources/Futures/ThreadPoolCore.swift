import Synchronization

/// The part of a ``ThreadPoolExecutor`` that its worker threads share: the one lock, the state machine
/// under it, and the worker loop. Workers hold the core, not the executor, so an executor released
/// without `shutdown` can shut its core down from `deinit` while the workers finish the queue.
final class ThreadPoolCore: Sendable {
    /// Guards the queue, the idle list, the counts and the lifecycle.
    let state: Mutex<PoolStateMachine>
    let threadNamePrefix: String
    let initializer: (@Sendable () throws -> Void)?

    /// How many times a worker with nothing to do checks again before it sleeps: a task that arrives
    /// within that window needs no wake-up system call.
    static let idleSpins = 0

    init(maxWorkers: Int, threadNamePrefix: String, initializer: (@Sendable () throws -> Void)?) {
        state = Mutex(PoolStateMachine(maxWorkers: maxWorkers))
        self.threadNamePrefix = threadNamePrefix
        self.initializer = initializer
    }

    // MARK: Taking work

    func submit(_ task: some QueuedTask) throws(ExecutorError) {
        let action = try state.withLock { state throws(ExecutorError) in try state.submit(task) }
        perform(action)
    }

    func enqueue(_ job: UnownedJob) {
        perform(state.withLock { $0.enqueue(job) })
    }

    private func perform(_ action: PoolStateMachine.SubmitAction) {
        switch action {
        case .none: break
        case .wake(let parker): parker.unpark()
        case .startThread(let number): startWorker(number: number)
        }
    }

    func removeQueued(_ task: AnyObject) -> Bool {
        state.withLock { $0.removeQueued(task) }
    }

    // MARK: Workers

    private func startWorker(number: Int) {
        let name = WorkerThread.name(prefix: threadNamePrefix, number: number)
        if let error = WorkerThread.start(name: name, { [self] in runWorker() }) {
            let waiters = state.withLock { $0.threadDidNotStart() }
            waiters.forEach { $0.wake() }
            let liveThreads = state.withLock { $0.liveThreads }
            // With no thread left, queued work would never run: stop loudly rather than lose it.
            precondition(liveThreads > 0, "ThreadPoolExecutor: could not start a worker thread (pthread_create error \(error))")
        }
    }

    /// The body of every worker thread.
    private func runWorker() {
        WorkerContext.enter(self)
        let parker = Parker()
        if let initializer {
            do {
                try initializer()
            } catch {
                breakPool(error)
            }
        }
        var wasParked = false
        while true {
            switch state.withLock({ $0.nextWork(for: parker, wasParked: wasParked) }) {
            case .run(let item):
                wasParked = false
                run(item)
            case .park:
                parker.park(spins: Self.idleSpins)
                wasParked = true
            case .exit(let waiters):
                WorkerContext.leave()
                waiters.forEach { $0.wake() }
                return
            }
        }
    }

    private func run(_ item: WorkItem) {
        switch item {
        case .task(let task):
            task.runQueued()
        case .job(let job):
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    private func breakPool(_ error: any Error) {
        let message = "a thread initializer failed, the pool takes no more work: \(error)"
        let action = state.withLock { $0.breakPool(message) }
        let failure = ExecutorError.broken(message)
        action.fail.forEach { $0.failQueued(failure) }
        action.wake.forEach { $0.unpark() }
    }

    // MARK: Shutting down

    func shutdown(wait: Bool, cancelFutures: Bool) {
        let action = state.withLock { $0.shutdown(cancelFutures: cancelFutures) }
        action.cancel.forEach { $0.cancelQueued() }
        action.wake.forEach { $0.unpark() }
        if wait { waitForWorkersToExit() }
    }

    /// Blocks until every worker has exited; called on a worker of this pool, until every *other* worker
    /// has.
    func waitForWorkersToExit() {
        let callerIsWorker = WorkerContext.currentPool === self
        let parker = Parker.current
        while state.withLock({ $0.awaitExit(parker, callerIsWorker: callerIsWorker) }) {
            parker.park()
            state.withLock { $0.exitWaitEnded(parker, callerIsWorker: callerIsWorker) }
        }
    }

    /// Suspends, without blocking a thread, until every worker has exited.
    func waitForWorkersToExitAsync() async {
        while true {
            let event = AsyncEvent()
            guard state.withLock({ $0.awaitExit(event, callerIsWorker: false) }) else { return }
            await event.wait()
            state.withLock { $0.exitWaitEnded(event, callerIsWorker: false) }
        }
    }
}

extension ThreadPoolCore: TaskExecutor {
    /// The Swift runtime hands a job to the pool: it joins the same queue as submitted tasks.
    func enqueue(_ job: consuming ExecutorJob) {
        enqueue(UnownedJob(job))
    }
}
