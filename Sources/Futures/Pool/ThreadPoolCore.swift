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
    /// ``ThreadPoolConfiguration/carriesTaskLocalValues``, read by every `submit`.
    @usableFromInline let carriesTaskLocalValues: Bool

    /// Worker threads not yet joined or detached. Guarded apart from `state`: starting and joining
    /// threads is slow and needs no pool state.
    private let threads = Locked<[PlatformThread]>([])

    /// How worker threads start: ``PlatformThread/start(name:_:)``, or a stand-in a test set with
    /// ``startThreads(with:)`` to make starting fail. Read once per thread start, never per task.
    ///
    /// Boxed in a struct: a bare closure held in the generic `Locked` is handed to `withLock` as
    /// `inout`, and each access wrapped it in one more reabstraction thunk on the way back, so the n-th
    /// thread start called through n thunks (40,000 tasks with `maxTasksPerWorker: 3` took 90 s).
    private let threadStarter = Locked(StarterBox(start: PlatformThread.start))

    private struct StarterBox {
        let start: ThreadStarter
    }

    /// Every live worker's run of tasks, kept here beside the threads for what looks across them:
    /// stealing, taking them back on shutdown, finding a task for a waiting worker, counting them (see
    /// ``PoolStateMachine``, "Runs").
    let runs = WorkerRuns()

    /// Idle workers spinning now (see ``spinWhileIdle(_:)``).
    let spinners = Atomic<Int>(0)

    /// The request `shutdown(cancelFutures: true)` makes to every running task (see ``CurrentWork``).
    let runningWorkCancellation = RunningWorkCancellation()

    init(
        maxWorkers: Int, threadNamePrefix: String, initializer: (@Sendable () throws -> Void)?,
        configuration: ThreadPoolConfiguration = ThreadPoolConfiguration()
    ) {
        state = ContendedLock(
            PoolStateMachine(
                maxWorkers: maxWorkers, maxQueued: configuration.maxQueued, minWorkers: configuration.minWorkers,
                // With `maxTasksPerWorker` a worker takes one task at a time, to stop right at its limit.
                takesRuns: configuration.maxTasksPerWorker == nil),
            watched: true)
        self.threadNamePrefix = threadNamePrefix
        self.initializer = initializer
        self.configuration = configuration
        carriesTaskLocalValues = configuration.carriesTaskLocalValues
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

    /// A future for a blocking `submit`: one that carries the calling task's task-local values into `work`
    /// (``TaskLocalCarrier``) if the pool is configured to (``carriesTaskLocalValues``) and the caller runs
    /// inside a task; otherwise ``makeFuture(_:)``'s.
    @inlinable
    func makeSubmittedFuture<T: Sendable>(_ work: @escaping @Sendable () throws -> T) -> Future<T> {
        if carriesTaskLocalValues, withUnsafeCurrentTask(body: { $0 != nil }) {
            return makeFuture(TaskLocalCarrier.carrying(work))
        }
        return makeFuture(work)
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

    /// Queues `task` in `lane`; when the queue is full, does what ``ThreadPoolConfiguration/whenFull`` says.
    ///
    /// - Throws: ``ExecutorError`` if the pool is shut down or broken; ``QueueFullError`` under `reject`.
    @usableFromInline
    func submit(_ task: consuming QueuedTask, lane: WorkPriority = .normal) throws {
        // Moved, never copied, from the caller into the queue: no retain or release of the future here,
        // where a worker may already be touching it. Its identity picks it out if no thread can start.
        let identity = ObjectIdentifier(task.object)
        var entry: QueuedTask? = consume task
        let action = try state.withLock { state throws(ExecutorError) in
            entry?.noteTicket(state.nextTicket(for: lane))
            return try state.submit(taking: &entry, lane: lane)
        }
        switch consume action {
        case .none: return  // the common case first: queued, a worker on its way or busy
        case .full: if let task = entry.take() { try submitToFullQueue(task, lane: lane) }
        case let action: try perform(action, submitted: identity)
        }
    }

    private func submitToFullQueue(_ task: QueuedTask, lane: WorkPriority) throws {
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
                let action = try state.withLock { state throws(ExecutorError) in
                    task.noteTicket(state.nextTicket(for: lane))
                    return try state.submit(task, lane: lane, orWait: parker)
                }
                guard case .full = action else { return try perform(action, submitted: ObjectIdentifier(task.object)) }
                parker.park()
                _ = state.withLock { $0.roomWaitEnded(parker, abandoning: false) }
            }
        }
    }

    private func runOnCaller(_ task: QueuedTask) {
        // On a worker of this pool, its slot shows the task; on any other thread, nothing does (the caller
        // does not hold the future yet, so only a cancelling shutdown could ask it to stop).
        let outcome = WorkerLocalStorage.withStorageForCallerTask {
            guard let slot = WorkerContext.currentSlot, slot.pool === self else { return task.runQueued(in: nil) }
            return slot.runningInline { task.runQueued(in: $0) }
        }
        state.withLock { $0.ranOnCaller(outcome) }
    }

    /// Queues `task` in `lane`, suspending while the queue is full.
    ///
    /// - Throws: `CancellationError` if the task is cancelled before there is room (nothing is queued);
    ///   ``ExecutorError`` if the pool is or gets shut down or broken.
    func submitWaitingForRoom(_ task: QueuedTask, lane: WorkPriority = .normal) async throws {
        try Task.checkCancellation()
        // Room at once (always, with an unbounded queue): no waiter to make.
        let action = try state.withLock { state throws(ExecutorError) in
            task.noteTicket(state.nextTicket(for: lane))
            return try state.submit(task, lane: lane)
        }
        guard case .full = action else { return try perform(action, submitted: ObjectIdentifier(task.object)) }
        while true {
            let event = AsyncEvent()
            let action = try state.withLock { state throws(ExecutorError) in
                task.noteTicket(state.nextTicket(for: lane))
                return try state.submit(task, lane: lane, orWait: event)
            }
            guard case .full = action else { return try perform(action, submitted: ObjectIdentifier(task.object)) }
            await event.waitUnlessCancelled()
            let cancelled = Task.isCancelled
            state.withLock { $0.roomWaitEnded(event, abandoning: cancelled) }.forEach { $0.wake() }
            if cancelled { throw CancellationError() }
        }
    }

    @usableFromInline
    func enqueue(_ job: UnownedJob) {
        // If no thread can start, the job stays queued for the thread a later submit starts: the runtime
        // needs every job to run, so it cannot be failed.
        try? perform(state.withLock { $0.enqueue(job) })
    }

    /// Carries out a submit's action (``PoolStateMachine/SubmitAction/full`` is the caller's to handle).
    /// `submitted` is the submitted task's object, if a task was submitted.
    ///
    /// - Throws: ``ThreadStartError`` if a thread was to start and could not, with no
    ///   other worker running.
    private func perform(_ action: PoolStateMachine.SubmitAction, submitted: ObjectIdentifier? = nil) throws {
        switch action {
        case .none, .full: break
        case .wake(let parker): parker.unpark()
        case .startThread(let number): try startWorker(number: number, submitted: submitted)
        }
    }

    // MARK: Workers

    /// Makes the pool start its worker threads with `starter` from now on: for tests, which stand in a
    /// starter that fails to see how the pool copes.
    func startThreads(with starter: @escaping ThreadStarter) {
        threadStarter.withLock { $0 = StarterBox(start: starter) }
    }

    /// Starts worker `number`. If its thread cannot start, the pool goes on with the workers it has and
    /// backs off from starting more; with none left, every queued task fails with
    /// ``ThreadStartError``, and so does this call, for the submit that asked
    /// (`submitted`, whose own task is cancelled quietly: that submit throws, so nobody holds its future).
    func startWorker(number: Int, submitted: ObjectIdentifier?) throws(ThreadStartError) {
        let name = WorkerThread.name(prefix: threadNamePrefix, number: number)
        let starter = threadStarter.withLock { $0.start }
        // Registered under the lock it is started in, so a worker that retires at once finds itself.
        let started = threads.withLock { threads in
            starter(name, { [self] in runWorker(name: name) }).map { threads.append($0) }
        }
        guard case .failure(let error) = started else { return }
        let failure = ThreadStartError("could not start a worker thread: \(error)")
        let action = state.withLock { $0.threadDidNotStart(submitted: submitted) }
        perform(action, failure: failure)
        if action.noWorkers { throw failure }
    }

    /// A worker leaving while the pool goes on (keep-alive, `maxTasksPerWorker`) detaches itself: nobody
    /// will join it. `leaves` decides, under the lock of the thread list, whether it leaves, so that no
    /// `shutdown(wait: true)` can take the list to join this thread between that decision and the detach
    /// (joining a thread that then detaches itself is undefined; the thread sanitizer stops on it).
    @discardableResult
    func detachCurrentWorker(if leaves: () -> Bool = { true }) -> Bool {
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

    // MARK: Statistics

    /// The machine's statistics, with the tasks that workers took into their runs and have not started
    /// counted as queued (to the user they still are). While runs are out, the machine is read with every
    /// run held (``WorkerRuns/withEveryRunHeld(_:)``), so the figures are still one snapshot.
    var statistics: ThreadPoolStatistics {
        let (statistics, runsOut) = state.withLock { ($0.statistics, $0.runsOut) }
        guard runsOut > 0 else { return statistics }
        return runs.withEveryRunHeld { unstarted in
            var withRuns = state.withLock { $0.statistics }
            withRuns.queued += unstarted
            return withRuns
        }
    }

    // MARK: Ending work in bulk

    /// Carries out what `shutdown`, `breakPool` or `threadDidNotStart` returned, after the lock: takes the
    /// runs' tasks back if asked (before the queued ones, which they preceded in the queue), cancels or
    /// fails them, wakes the idle workers and the waiters, and reports the runs' tasks to the machine.
    ///
    /// - Parameters:
    ///   - failure: the error failed tasks fail with.
    ///   - cancel: cancels one task; ``shutdownNow()`` also collects the futures it cancels.
    func perform(
        _ action: PoolStateMachine.ShutdownAction, failure: any Error,
        cancel: (QueuedTask) -> Void = { $0.cancelQueued() }
    ) {
        let takenBack = action.takeBackRuns == nil ? [] : runs.removeAll()
        switch action.takeBackRuns {
        case .cancel?: takenBack.forEach(cancel)
        case .fail?: takenBack.forEach { $0.failQueued(failure) }
        case nil: break
        }
        action.cancel.forEach(cancel)
        action.fail.forEach { $0.failQueued(failure) }
        action.submitted?.cancelQueued()
        action.wake.forEach { $0.unpark() }
        action.wakeWaiters.forEach { $0.wake() }
        let handedBack = action.cancel.count + action.fail.count + (action.submitted == nil ? 0 : 1)
        if handedBack + takenBack.count > 0 {
            perform(
                state.withLock {
                    $0.handedBackTasksEnded(handedBack, takenBackFromRuns: takenBack.count, as: action.takeBackRuns)
                }, failure: failure)
        }
    }

    /// A thread initializer threw: the pool breaks, and every task not started fails.
    func breakPool(_ error: any Error) {
        let message = "a thread initializer failed, the pool takes no more work: \(error)"
        perform(state.withLock { $0.breakPool(message) }, failure: ExecutorError.broken(message))
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
        perform(state.withLock { $0.shutdown(cancelFutures: cancelFutures) }, failure: ExecutorError.shutDown)
        // The queued tasks are cancelled; the running ones are asked to stop.
        if cancelFutures { runningWorkCancellation.request() }
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
