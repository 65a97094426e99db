import Synchronization

// The worker loop: lock, event, unlock, perform. Each pass takes the pool's lock once for one event of
// ``PoolStateMachine``, and performs the ``PoolStateMachine/WorkerStep`` it returned with no lock held:
// run a task (or a run of them), steal, park, retire or exit. Performing a step leads to the next event.
extension ThreadPoolCore {
    /// The body of every worker thread: its loop, with the thread's ``WorkerLocal`` values reachable from
    /// the tasks it runs.
    func runWorker(name: String) {
        let locals = WorkerLocalStorage()
        WorkerLocalStorage.$current.withValue(locals) {
            runWorkerLoop(
                PoolWorker(name: name, pool: self, locals: locals, tasksLeft: configuration.maxTasksPerWorker ?? .max))
        }
    }

    private func runWorkerLoop(_ worker: PoolWorker) {
        WorkerContext.enter(worker.slotObject)
        configuration.hooks.workerStarted?(worker.name)
        if let initializer {
            do {
                try initializer()
            } catch {
                breakPool(error)
            }
        }
        runs.add(worker.run)
        state.withLock { $0.workerStarted() }
        defer {
            runs.remove(worker.run)
            state.withLock { $0.workerExited() }.forEach { $0.wake() }
        }
        var step: PoolStateMachine.WorkerStep? = askForWork(worker, wasParked: false, finished: .init())
        // Moved out, not copied: a copy would retain and release the task's future once more per task.
        while let current = step.take() {
            step = perform(current, for: worker)
        }
    }

    /// The worker's next event: it reports how the tasks it ran since the last ended and asks for work,
    /// holding its (empty) run for the machine to fill.
    private func askForWork(
        _ worker: PoolWorker, wasParked: Bool, finished: PoolStateMachine.FinishedTasks
    ) -> PoolStateMachine.WorkerStep {
        worker.run.withRunToFill { run in
            state.withLock { $0.nextWork(for: worker.parker, wasParked: wasParked, finished: finished, run: &run) }
        }
    }

    /// Performs `step` with no lock held, and returns the next step, from the event performing it led to;
    /// `nil` when the worker is done and its thread returns.
    private func perform(
        _ step: consuming PoolStateMachine.WorkerStep, for worker: PoolWorker
    ) -> PoolStateMachine.WorkerStep? {
        // Moved out, not copied, so the entry is not retained and released once more per task.
        let wake = step.wake, moreQueued = step.moreQueued, tookRun = step.tookRun
        let action = (consume step).action
        // Those woken on exit (`shutdown(wait: true)` callers) are woken after its exit hook has run.
        if !wake.isEmpty, !action.isExit { wake.forEach { $0.wake() } }
        switch consume action {
        case .run(.task(let task)):
            // (One case, not two with `where moreQueued`: a guarded binding would copy the task first.)
            guard moreQueued else { return runLast(task, for: worker) }
            // More work is waiting, or this worker took a run of it: it runs the run's tasks one after
            // another, then one event both reports them and takes what comes next. (If other workers drain
            // the queue meanwhile, this one goes idle just after its future completes rather than just
            // before; the counts still move with `unfinished`, so `waitUntilIdle` holds.)
            var finished = PoolStateMachine.FinishedTasks(Self.runAndRelease(task, in: worker.slot))
            if tookRun { runRun(of: worker, into: &finished) }
            return reportRun(finished, for: worker)
        case .run(.job(let job)):
            job.runSynchronously(on: jobExecutor ?? asUnownedTaskExecutor())
            return askForWork(worker, wasParked: false, finished: .init())
        case .steal(let since):
            guard runs.steal(into: worker.run) > 0 else {
                return worker.run.withRunToFill { run in
                    state.withLock { $0.stealFailed(for: worker.parker, since: since, run: &run) }
                }
            }
            var finished = PoolStateMachine.FinishedTasks()
            runRun(of: worker, into: &finished)
            return reportRun(finished, for: worker)
        case .park(let keepAlive):
            return park(worker, keepAlive: keepAlive)
        case .askAgain(let wasParked):
            return askForWork(worker, wasParked: wasParked, finished: .init())
        case .retire(let replacement):
            // If the replacement cannot start, `startWorker` has already failed what would be left waiting.
            if let replacement { try? startWorker(number: replacement, submitted: nil) }
            leave(worker)
            state.withLock { $0.workerRetired() }.forEach { $0.wake() }
            return nil
        case .exit:
            leave(worker)
            wake.forEach { $0.wake() }
            return nil
        }
    }

    /// Runs every task left in the worker's run, adding how each ended to `finished`, which then ends the run.
    private func runRun(of worker: PoolWorker, into finished: inout PoolStateMachine.FinishedTasks) {
        while let next = worker.run.next() { finished.add(Self.runAndRelease(next, in: worker.slot)) }
        finished.endsRun = true
    }

    /// After tasks run back to back: reports them and asks for more, or retires the worker if it reached
    /// its ``ThreadPoolConfiguration/maxTasksPerWorker``.
    private func reportRun(
        _ finished: PoolStateMachine.FinishedTasks, for worker: PoolWorker
    ) -> PoolStateMachine.WorkerStep {
        worker.tasksLeft -= finished.succeeded + finished.failed
        if worker.tasksLeft <= 0 { return retire(worker, finished: finished) }
        return askForWork(worker, wasParked: false, finished: finished)
    }

    /// Runs a task with nothing queued behind it. The worker goes idle before the future is completed (see
    /// ``PoolStateMachine/taskFinished(_:for:)``); once it is, the worker reports it settled, in the event
    /// it takes next anyway (asking for work, retiring) or, when it parks or exits, in one of its own. The
    /// wake-ups wait until the future is completed, and are handed on with the step.
    private func runLast(
        _ task: consuming QueuedTask, for worker: PoolWorker
    ) -> PoolStateMachine.WorkerStep {
        var finished = PoolStateMachine.WorkerStep(action: .askAgain(wasParked: false))
        var ranWork = false
        let parker = worker.parker
        task.runQueued(in: worker.slot) { outcome in
            ranWork = outcome.ranWork
            finished = state.withLock { $0.taskFinished(outcome, for: parker) }
        }
        if ranWork { worker.tasksLeft -= 1 }
        if worker.tasksLeft <= 0, !finished.action.isExit {
            finished.wake.forEach { $0.wake() }
            return retire(worker, finished: .settledOne, wentIdle: finished.action.isPark)
        }
        if case .askAgain = finished.action {
            finished.wake.forEach { $0.wake() }
            return askForWork(worker, wasParked: false, finished: .settledOne)
        }
        let settled = state.withLock { $0.tasksSettled(1) }
        if !settled.isEmpty { finished.wake += settled }  // (`+=` even of nothing would allocate)
        return finished
    }

    /// Parks the idle worker (after a short spin), until it is woken or its keep-alive runs out; then it
    /// asks for work, or retires.
    private func park(_ worker: PoolWorker, keepAlive: Bool) -> PoolStateMachine.WorkerStep {
        let parker = worker.parker
        if !spinWhileIdle(parker) {
            if keepAlive, let duration = configuration.keepAlive {
                if !parker.park(until: Deadline.after(duration)) {
                    var expired = PoolStateMachine.WorkerStep(action: .askAgain(wasParked: true))
                    detachCurrentWorker(if: {
                        expired = state.withLock { $0.keepAliveExpired(for: parker) }
                        return expired.action.isRetire
                    })
                    return expired
                }
            } else {
                parker.park()
            }
        }
        return askForWork(worker, wasParked: true, finished: .init())
    }

    /// The worker ran its ``ThreadPoolConfiguration/maxTasksPerWorker`` tasks (`finished` says how those not
    /// yet reported ended): it leaves the pool, which starts a replacement at once if work is queued
    /// (performing the returned ``PoolStateMachine/WorkerAction/retire(replacement:)``).
    private func retire(
        _ worker: PoolWorker, finished: PoolStateMachine.FinishedTasks, wentIdle: Bool = false
    ) -> PoolStateMachine.WorkerStep {
        // Detached while the pool still counts the worker, so no `shutdown(wait: true)` can be joining it.
        detachCurrentWorker()
        return state.withLock { $0.workerRetiring(worker.parker, finished: finished, wentIdle: wentIdle) }
    }

    /// The worker leaves its loop: its ``WorkerLocal`` cleanups and exit hook run.
    private func leave(_ worker: PoolWorker) {
        worker.locals.close()
        configuration.hooks.workerExiting?(worker.name)
        WorkerContext.leave()
    }

    /// Runs `task` and lets go of it at once: the worker holds no finished future (and so no result) while
    /// it goes on with the rest of its run.
    private static func runAndRelease(
        _ task: consuming QueuedTask, in slot: Unmanaged<WorkerSlot>
    ) -> QueuedTaskOutcome {
        task.runQueued(in: slot)
    }
}

// MARK: Spinning while idle

extension ThreadPoolCore {
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

    /// Spins for a wake-up if fewer than ``maxSpinners`` workers spin already. Returns whether the
    /// worker was woken; if not, it parks as usual.
    func spinWhileIdle(_ parker: Parker) -> Bool {
        defer { spinners.wrappingSubtract(1, ordering: .relaxed) }
        guard spinners.wrappingAdd(1, ordering: .relaxed).newValue <= Self.maxSpinners else { return false }
        return parker.spin(Self.idleSpins)
    }
}

extension PoolStateMachine.WorkerAction {
    var isExit: Bool {
        if case .exit = self { return true }
        return false
    }

    var isRetire: Bool {
        if case .retire = self { return true }
        return false
    }

    var isPark: Bool {
        if case .park = self { return true }
        return false
    }
}
