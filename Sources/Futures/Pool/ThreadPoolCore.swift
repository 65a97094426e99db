import Synchronization

/// The part of a ``ThreadPoolExecutor`` that its worker threads share: the one lock, the state machine
/// under it, and the worker loop. Workers hold the core, not the executor, so an executor released
/// without `shutdown` can shut its core down from `deinit` while the workers finish the queue.
@usableFromInline
final class ThreadPoolCore: Sendable {
    /// Guards the queue, the idle list, the waiters, the counts and the lifecycle.
    let state: ContendedLock<PoolStateMachine>
    let threadNamePrefix: String
    let initializer: (@Sendable () throws -> Void)?
    /// The identity workers run runtime jobs on: the owning ``ThreadPoolExecutor``'s, so a task that
    /// prefers the pool sees it is on its preferred executor (see ThreadPoolExecutor+TaskExecutor.swift).
    /// Written once by the executor's `init`, before any job can reach a worker: the write happens
    /// before every read through the state lock and the thread start.
    nonisolated(unsafe) var jobExecutor: UnownedTaskExecutor?
    let configuration: ThreadPoolConfiguration
    /// Whether futures need more than the plain `Future(work:)`: task hooks, times or an error handler.
    /// Checked once per submit, so a pool that uses none of them pays one branch.
    @usableFromInline let decoratesFutures: Bool

    /// How many times an idle worker checks for a wake-up (yielding the processor between checks) before
    /// it sleeps: a task that arrives within that window, some tens of microseconds, costs no wake-up
    /// system call and no context switch.
    static let idleSpins = 100

    /// At most this many idle workers of a pool spin at once, so idle workers never crowd out the threads
    /// doing work: half the processors the process may run on, at least one — and none on a single
    /// processor (a container limited to one core, `taskset -c 0`), where a spinning worker only delays the
    /// thread that would hand it work.
    static let maxSpinners: Int = {
        let processors = PlatformProcess.schedulableProcessorCount
        return processors <= 1 ? 0 : max(1, processors / 2)
    }()

    /// Worker threads not yet joined or detached. Guarded apart from `state`: starting and joining
    /// threads is slow and needs no pool state.
    private let threads = Locked<[PlatformThread]>([])

    /// How worker threads start: ``PlatformThread/start(name:_:)``, or a stand-in a test set with
    /// ``startThreads(with:)`` to make starting fail. Read once per thread start, never per task.
    private let threadStarter = Locked<ThreadStarter>(PlatformThread.start)

    /// Idle workers spinning now.
    private let spinners = Atomic<Int>(0)

    /// Spins for a wake-up if fewer than ``maxSpinners`` workers spin already. Returns whether the
    /// worker was woken; if not, it parks as usual.
    private func spinWhileIdle(_ parker: Parker) -> Bool {
        defer { spinners.wrappingSubtract(1, ordering: .relaxed) }
        guard spinners.wrappingAdd(1, ordering: .relaxed).newValue <= Self.maxSpinners else { return false }
        return parker.spin(Self.idleSpins)
    }

    init(
        maxWorkers: Int, threadNamePrefix: String, initializer: (@Sendable () throws -> Void)?,
        configuration: ThreadPoolConfiguration = ThreadPoolConfiguration()
    ) {
        state = ContendedLock(
            PoolStateMachine(
                maxWorkers: maxWorkers, maxQueued: configuration.maxQueued, minWorkers: configuration.minWorkers),
            watched: true)
        self.threadNamePrefix = threadNamePrefix
        self.initializer = initializer
        self.configuration = configuration
        decoratesFutures =
            configuration.recordsTaskTimes || configuration.hooks.wrapsTasks
            || configuration.hooks.unretrievedError != nil
    }

    // MARK: Making futures

    /// A pending future for `work`, with the task hooks, timer and error handler the configuration asks for.
    @inlinable
    func makeFuture<T: Sendable>(_ work: @escaping @Sendable () throws -> T) -> Future<T> {
        decoratesFutures ? makeDecoratedFuture(work) : Future(work: work)
    }

    @usableFromInline
    func makeDecoratedFuture<T: Sendable>(_ work: @escaping @Sendable () throws -> T) -> Future<T> {
        let hooks = configuration.hooks
        let timer = configuration.recordsTaskTimes ? TaskTimer() : nil
        let body: @Sendable () throws -> T
        if hooks.wrapsTasks || timer != nil {
            let before = hooks.beforeTask
            let after = hooks.afterTask
            body = {
                before?()
                timer?.start()
                let result = Result { try work() }
                timer?.end()
                if let after {
                    switch result {
                    case .success: after(nil)
                    case .failure(let error): after(error)
                    }
                }
                return try result.get()
            }
        } else {
            body = work
        }
        let future = Future(work: body)
        if timer != nil || hooks.unretrievedError != nil {
            future.attach(FutureAttachment(timer: timer, unretrievedErrorHandler: hooks.unretrievedError))
        }
        return future
    }

    // MARK: Taking work

    /// Queues `task`; when the queue is full, does what ``ThreadPoolConfiguration/whenFull`` says.
    ///
    /// - Throws: ``ExecutorError`` if the pool is shut down or broken; ``QueueFullError`` under `reject`.
    @usableFromInline
    func submit(_ task: consuming QueuedTask) throws {
        // Moved, never copied, from the caller into the queue: no retain or release of the future here,
        // where a worker may already be touching it. Its identity picks it out if no thread can start.
        let identity = ObjectIdentifier(task.object)
        var entry: QueuedTask? = consume task
        if let action = try state.withLock({ state throws(ExecutorError) in
            entry?.noteTicket(state.nextTicket)
            return try state.submit(taking: &entry)
        }) {
            try perform(action, submitted: identity)
        } else if let task = entry.take() {
            try submitToFullQueue(task)
        }
    }

    private func submitToFullQueue(_ task: QueuedTask) throws {
        switch configuration.whenFull {
        case .reject:
            state.withLock { $0.rejectFull() }
            throw QueueFullError(maxQueued: configuration.maxQueued ?? 0)
        case .runOnCaller:
            runOnCaller(task)
        case .block:
            // A worker blocked on its own pool's queue could be the one that should drain it.
            if WorkerContext.currentPool === self { return runOnCaller(task) }
            let parker = Parker.current
            while true {
                if let action = try state.withLock({ state throws(ExecutorError) in
                    task.noteTicket(state.nextTicket)
                    return try state.submit(task, orWait: parker)
                }) {
                    return try perform(action, submitted: ObjectIdentifier(task.object))
                }
                parker.park()
                _ = state.withLock { $0.roomWaitEnded(parker, abandoning: false) }
            }
        }
    }

    private func runOnCaller(_ task: QueuedTask) {
        let outcome = WorkerLocalStorage.withStorageForCallerTask { task.runQueued() }
        state.withLock { $0.ranOnCaller(outcome) }
    }

    /// Queues `task`, suspending while the queue is full.
    ///
    /// - Throws: `CancellationError` if the task is cancelled before there is room (nothing is queued);
    ///   ``ExecutorError`` if the pool is or gets shut down or broken.
    func submitWaitingForRoom(_ task: QueuedTask) async throws {
        try Task.checkCancellation()
        // Room at once (always, with an unbounded queue): no waiter to make.
        if let action = try state.withLock({ state throws(ExecutorError) in
            task.noteTicket(state.nextTicket)
            return try state.submit(task)
        }) {
            return try perform(action, submitted: ObjectIdentifier(task.object))
        }
        while true {
            let event = AsyncEvent()
            if let action = try state.withLock({ state throws(ExecutorError) in
                task.noteTicket(state.nextTicket)
                return try state.submit(task, orWait: event)
            }) {
                return try perform(action, submitted: ObjectIdentifier(task.object))
            }
            await event.waitUnlessCancelled()
            let cancelled = Task.isCancelled
            let next = state.withLock { $0.roomWaitEnded(event, abandoning: cancelled) }
            next?.wake()
            if cancelled { throw CancellationError() }
        }
    }

    @usableFromInline
    func enqueue(_ job: UnownedJob) {
        // If no thread can start, the job stays queued for the thread a later submit starts: the runtime
        // needs every job to run, so it cannot be failed.
        try? perform(state.withLock { $0.enqueue(job) })
    }

    /// Carries out a submit's action. `submitted` is the submitted task's object, if a task was submitted.
    ///
    /// - Throws: ``ThreadStartError`` if a thread was to start and could not, with no
    ///   other worker running.
    private func perform(_ action: PoolStateMachine.SubmitAction, submitted: ObjectIdentifier? = nil) throws {
        switch action {
        case .none: break
        case .wake(let parker): parker.unpark()
        case .startThread(let number): try startWorker(number: number, submitted: submitted)
        }
    }

    // MARK: Workers

    /// Makes the pool start its worker threads with `starter` from now on: for tests, which stand in a
    /// starter that fails to see how the pool copes.
    func startThreads(with starter: @escaping ThreadStarter) {
        threadStarter.withLock { $0 = starter }
    }

    /// Starts worker `number`. If its thread cannot start, the pool goes on with the workers it has and
    /// backs off from starting more; with none left, every queued task fails with
    /// ``ThreadStartError``, and so does this call, for the submit that asked
    /// (`submitted`, whose own task is cancelled quietly: that submit throws, so nobody holds its future).
    private func startWorker(number: Int, submitted: ObjectIdentifier?) throws(ThreadStartError) {
        let name = WorkerThread.name(prefix: threadNamePrefix, number: number)
        let starter = threadStarter.withLock { $0 }
        // Registered under the lock it is started in, so a worker that retires at once finds itself.
        let started = threads.withLock { threads in
            starter(name, { [self] in runWorker(name: name) }).map { threads.append($0) }
        }
        guard case .failure(let error) = started else { return }
        let failure = ThreadStartError("could not start a worker thread: \(error)")
        let action = state.withLock { $0.threadDidNotStart(submitted: submitted) }
        action.submitted?.cancelQueued()
        action.fail.forEach { $0.failQueued(failure) }
        action.wake.forEach { $0.wake() }
        if action.noWorkers { throw failure }
    }

    /// A worker leaving while the pool goes on (keep-alive, `maxTasksPerWorker`) detaches itself: nobody
    /// will join it. `leaves` decides, under the lock of the thread list, whether it leaves, so that no
    /// `shutdown(wait: true)` can take the list to join this thread between that decision and the detach
    /// (joining a thread that then detaches itself is undefined; the thread sanitizer stops on it).
    @discardableResult
    private func detachCurrentWorker(if leaves: () -> Bool = { true }) -> Bool {
        let current = PlatformThread.current
        return threads.withLock { threads in
            guard leaves() else { return false }
            threads.removeAll { $0 == current }
            current.detach()
            return true
        }
    }

    /// Joins every worker thread started so far, so none is left when this returns; the calling thread,
    /// if it is one of them, detaches itself instead. Called once the workers have left their loop.
    func joinWorkerThreads() {
        let current = PlatformThread.current
        for thread in threads.withLock({ threads in
            defer { threads.removeAll() }; return threads
        }) {
            if thread == current {
                thread.detach()
            } else {
                thread.join()
            }
        }
    }

    deinit {
        // The last worker released the pool (it was dropped without `shutdown(wait: true)`): reclaim the
        // threads that have exited.
        joinWorkerThreads()
    }

    /// The body of every worker thread: its loop, with the thread's ``WorkerLocal`` values reachable from
    /// the tasks it runs.
    private func runWorker(name: String) {
        let locals = WorkerLocalStorage()
        WorkerLocalStorage.$current.withValue(locals) { runWorkerLoop(name: name, locals: locals) }
    }

    private func runWorkerLoop(name: String, locals: WorkerLocalStorage) {
        WorkerContext.enter(self)
        let hooks = configuration.hooks
        hooks.workerStarted?(name)
        let parker = Parker()
        if let initializer {
            do {
                try initializer()
            } catch {
                breakPool(error)
            }
        }
        let run = TakenTasks()
        // With `maxTasksPerWorker` the worker takes one task at a time (no runs), to stop right at its limit.
        let takeRuns: TakenTasks? = configuration.maxTasksPerWorker == nil ? run : nil
        var tasksLeft = configuration.maxTasksPerWorker ?? .max
        var step = state.withLock { state in
            state.workerStarted(run: run)
            return state.nextWork(for: parker, wasParked: false, finished: .init(), taking: takeRuns)
        }
        defer { state.withLock { $0.workerExited(run: run) }.forEach { $0.wake() } }
        while true {
            // Moved out, not copied, so the entry is not retained and released once more per task.
            let wake = step.wake, moreQueued = step.moreQueued, tookRun = step.tookRun
            let action = (consume step).action
            switch consume action {
            case .run(.task(let task)) where moreQueued:
                wake.forEach { $0.wake() }
                // More work is waiting, or this worker took a run of it: it runs the run's tasks one after
                // another, then one lock acquisition both counts them and takes what comes next. (If other
                // workers drain the queue meanwhile, this one goes idle just after its future completes rather
                // than just before; the counts still move with `unfinished`, so `waitUntilIdle` holds.)
                var finished = PoolStateMachine.FinishedTasks(Self.runAndRelease(consume task))
                if tookRun {
                    while let next = run.next() { finished.add(Self.runAndRelease(next)) }
                    finished.endsRun = true
                }
                tasksLeft -= finished.succeeded + finished.failed
                if tasksLeft <= 0 { return retire(name: name, parker: parker, finished: finished, locals: locals) }
                step = state.withLock {
                    $0.nextWork(for: parker, wasParked: false, finished: finished, taking: takeRuns)
                }
            case .run(.task(let task)):
                wake.forEach { $0.wake() }
                // With nothing queued, the worker goes idle before the future is completed (see
                // `taskFinished`); the wake-ups (such as `waitUntilIdle` callers) wait until it is.
                var finished: (action: PoolStateMachine.WorkerAction?, wake: [any Waker])?
                task.runQueued { outcome in
                    tasksLeft -= outcome.ranWork ? 1 : 0
                    finished = state.withLock { $0.taskFinished(outcome, for: parker) }
                }
                if tasksLeft <= 0, !(finished?.action?.isExit ?? false) {
                    finished?.wake.forEach { $0.wake() }
                    return retire(name: name, parker: parker, finished: .init(), locals: locals)
                }
                if let finished, let action = finished.action {
                    step = PoolStateMachine.WorkerStep(action: action, wake: finished.wake)
                } else {
                    finished?.wake.forEach { $0.wake() }
                    step = state.withLock {
                        $0.nextWork(for: parker, wasParked: false, finished: .init(), taking: takeRuns)
                    }
                }
            case .run(.job(let job)):
                wake.forEach { $0.wake() }
                job.runSynchronously(on: jobExecutor ?? asUnownedTaskExecutor())
                step = state.withLock {
                    $0.nextWork(for: parker, wasParked: false, finished: .init(), taking: takeRuns)
                }
            case .park(let keepAlive):
                wake.forEach { $0.wake() }
                if !spinWhileIdle(parker) {
                    if keepAlive, let duration = configuration.keepAlive {
                        if !parker.park(until: Deadline.after(duration)),
                            detachCurrentWorker(if: { state.withLock { $0.keepAliveExpired(for: parker) } })
                        {
                            locals.close()
                            hooks.workerExiting?(name)
                            WorkerContext.leave()
                            state.withLock { $0.workerRetired() }.forEach { $0.wake() }
                            return
                        }
                    } else {
                        parker.park()
                    }
                }
                step = state.withLock { $0.nextWork(for: parker, wasParked: true, finished: .init(), taking: takeRuns) }
            case .exit:
                locals.close()
                hooks.workerExiting?(name)
                WorkerContext.leave()
                wake.forEach { $0.wake() }
                return
            }
        }
    }

    /// The worker ran its ``ThreadPoolConfiguration/maxTasksPerWorker`` tasks (`finished` says how those not
    /// yet reported ended): it leaves the pool, which starts a replacement at once if work is queued, then
    /// runs its ``WorkerLocal`` cleanups and exit hook. `shutdown(wait: true)` waits for those.
    private func retire(
        name: String, parker: Parker, finished: PoolStateMachine.FinishedTasks, locals: WorkerLocalStorage
    ) {
        // Detached while the pool still counts the worker, so no `shutdown(wait: true)` can be joining it.
        detachCurrentWorker()
        let retirement = state.withLock { $0.workerRetiring(parker, finished: finished) }
        retirement.wake.forEach { $0.wake() }
        // If the replacement cannot start, `startWorker` has already failed what would be left waiting.
        if let number = retirement.startThread { try? startWorker(number: number, submitted: nil) }
        locals.close()
        configuration.hooks.workerExiting?(name)
        WorkerContext.leave()
        state.withLock { $0.workerRetired() }.forEach { $0.wake() }
    }

    /// Runs `task` and lets go of it at once: the worker holds no finished future (and so no result) while
    /// it goes on with the rest of its run.
    private static func runAndRelease(_ task: consuming QueuedTask) -> QueuedTaskOutcome {
        task.runQueued()
    }

    private func breakPool(_ error: any Error) {
        let message = "a thread initializer failed, the pool takes no more work: \(error)"
        let action = state.withLock { $0.breakPool(message) }
        let failure = ExecutorError.broken(message)
        action.fail.forEach { $0.failQueued(failure) }
        action.wake.forEach { $0.unpark() }
        action.wakeWaiters.forEach { $0.wake() }
    }

    // MARK: Waiting for idleness

    /// Blocks until no submitted task is queued or running, or `deadline` passes.
    ///
    /// - Throws: ``FutureError/timedOut`` if `deadline` passes first; ``FutureError/invalidState(_:)`` on a
    ///   worker of this pool, whose own task would never let the pool become idle.
    func waitUntilIdle(until deadline: Deadline?) throws(FutureError) {
        if WorkerContext.currentPool === self {
            throw .invalidState("waitUntilIdle() called on a worker of the same pool, which would wait for itself")
        }
        let parker = Parker.current
        while state.withLock({ $0.awaitIdle(parker) }) {
            let woken = parker.park(until: deadline)
            state.withLock { $0.idleWaitEnded(parker) }
            if !woken, deadline?.hasPassed ?? false {
                if state.withLock({ $0.unfinished }) == 0 { return }
                throw .timedOut
            }
        }
    }

    /// Suspends until no submitted task is queued or running, or `deadline` passes, or the task is
    /// cancelled.
    ///
    /// - Throws: ``FutureError/timedOut``; `CancellationError`.
    func waitUntilIdleAsync(until deadline: Deadline?) async throws {
        while true {
            let event = AsyncEvent()
            guard state.withLock({ $0.awaitIdle(event) }) else { return }
            await event.waitUnlessCancelled(until: deadline)
            state.withLock { $0.idleWaitEnded(event) }
            if Task.isCancelled || (deadline?.hasPassed ?? false) {
                if state.withLock({ $0.unfinished }) == 0 { return }
                try Task.checkCancellation()
                throw FutureError.timedOut
            }
        }
    }

    // MARK: Shutting down

    func shutdown(wait: Bool, cancelFutures: Bool) {
        let action = state.withLock { $0.shutdown(cancelFutures: cancelFutures) }
        action.cancel.forEach { $0.cancelQueued() }
        action.wake.forEach { $0.unpark() }
        action.wakeWaiters.forEach { $0.wake() }
        if wait {
            waitForWorkersToExit()
            // A worker waiting here from inside a task must not join: another worker may be waiting in
            // its own `shutdown(wait: true)` for this one to exit. The pool's `deinit` joins them later.
            if WorkerContext.currentPool !== self { joinWorkerThreads() }
        }
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
            guard state.withLock({ $0.awaitExit(event, callerIsWorker: false) }) else { break }
            await event.wait()
            state.withLock { $0.exitWaitEnded(event, callerIsWorker: false) }
        }
        // Every worker has left its loop: joining only waits out the last instructions of each thread.
        joinWorkerThreads()
    }
}

extension ThreadPoolCore: TaskExecutor {
    /// The Swift runtime hands a job to the pool: it joins the same queue as submitted tasks.
    @usableFromInline
    func enqueue(_ job: consuming ExecutorJob) {
        enqueue(UnownedJob(job))
    }
}

#if DEBUG
    extension ThreadPoolCore {
        /// Test support, debug builds only: blocks until `isSatisfied` holds for the pool's state, woken by
        /// each change of the state (no polling), or until `timeout` passes. Returns the last check.
        ///
        /// - Parameters:
        ///   - timeout: how long to wait at most.
        ///   - isSatisfied: reads the state with the pool's lock held; it must not change it.
        func waitForState(
            timeout: Duration = .seconds(20), _ isSatisfied: (borrowing PoolStateMachine) -> Bool
        ) -> Bool {
            guard let watch = state.watch, let deadline = Deadline.after(timeout) else { return false }
            return watch.wait(until: deadline) { state.withLockUnwatched(isSatisfied) }
        }
    }
#endif
