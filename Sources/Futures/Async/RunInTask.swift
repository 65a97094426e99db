import Synchronization

/// One call of ``ThreadPoolExecutor/run(_:)``: its work runs *inside the awaiting task*, on a worker, so
/// the task's task-local values are visible to the work and `Task.isCancelled` in it reflects the task.
///
/// `run` moves the awaiting task onto this one-use `TaskExecutor` with `withTaskExecutorPreference`. The
/// runtime hands the task's job to ``enqueue(_:)``, which queues this call in the pool as a task of its own
/// (``queuedTask``), in its lane, like a submitted closure: the statistics, the hooks, a bounded queue and
/// `shutdown(cancelFutures:)` treat it as one. The worker that takes it runs the job on its own thread
/// (``runOnWorker(in:beforeCompleting:)``); the job runs the work (``perform()``), reports the outcome to
/// the worker *before* the task leaves it (so that the worker is idle again when the task resumes
/// elsewhere and calls `run` once more), and the task goes back to its own executor. No future is made.
///
/// Every job runs (the runtime requires it): a call cancelled or failed before its work started sends the
/// job to Swift's global concurrent executor, where ``perform()`` throws at once without running the work,
/// so a cancelled `run` returns without waiting for a worker.
///
/// With a bounded queue, `run` queues the call first, waiting for room, and the worker that takes it may
/// wait the few instructions the task needs to hand its job over.
final class RunInTask<Value: Sendable>: TaskExecutor, CancellableWork, Sendable {
    private enum Phase {
        /// Not started: the job may be here, the call may be queued.
        case waiting
        /// A worker runs the job.
        case running
        /// Will not run: cancelled (by the awaiting task, or a shutdown), or failed (a pool that could not
        /// take it). The job, now or when it comes, runs elsewhere.
        case cancelled
        case failed(any Error)
        /// The work ran.
        case finished
    }

    private struct State {
        var phase = Phase.waiting
        /// The awaiting task's job, on its way to the worker that took the call.
        var handOff = JobHandOff()
        /// The pool to queue the call in when the job comes (an unbounded queue), and its lane.
        var submitOnArrival: (core: ThreadPoolCore, lane: WorkPriority)?
        /// A request that the running work stop, and the handlers it registered.
        var cancellationRequested = false
        var handlers: [CancellationHandler] = []
    }

    private let state = Locked(State())
    /// `state.cancellationRequested`, for ``isCancellationRequested`` to read without the lock.
    private let requested = Atomic<Bool>(false)
    private let work: @Sendable () throws -> Value
    private let hooks: ThreadPoolHooks
    /// How the worker running the job learns the outcome: set by that worker just before it runs the job
    /// and called by ``perform()`` on the same thread, so it needs no lock.
    private nonisolated(unsafe) var reportOutcome: ((QueuedTaskOutcome) -> Void)?

    init(work: @escaping @Sendable () throws -> Value, hooks: ThreadPoolHooks) {
        self.work = work
        self.hooks = hooks
    }

    /// The call as a pool's queue entry.
    var queuedTask: QueuedTask {
        QueuedTask(self) { object, command, beforeCompleting in
            let call = unsafeDowncast(object, to: RunInTask<Value>.self)
            switch command {
            case .run(let slot): call.runOnWorker(in: slot, beforeCompleting: beforeCompleting)
            case .cancel: call.cancelUnstarted(.cancelled)
            case .fail(let error): call.cancelUnstarted(.failed(error))
            case .noteTicket: break  // nobody waits for it on a worker: it is never run inline
            }
        }
    }

    /// Queues the call in `core`'s `lane` when the job comes (an unbounded queue never makes `submit` wait).
    func submitOnArrival(to core: ThreadPoolCore, lane: WorkPriority) {
        state.withLock { $0.submitOnArrival = (core, lane) }
    }

    // MARK: The runtime's side

    /// The runtime hands over the awaiting task's job: a worker waiting for it takes it, or it waits for
    /// one; if the call will not run, the job runs elsewhere.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let (forward, worker, submit) = state.withLock {
            state -> (Bool, Parker?, (core: ThreadPoolCore, lane: WorkPriority)?) in
            guard case .waiting = state.phase else { return (true, nil, nil) }
            return (false, state.handOff.deliver(job), state.submitOnArrival.take())
        }
        if forward { return JobHandOff.runElsewhere(job) }
        worker?.unpark()
        guard let submit else { return }
        do {
            try submit.core.submit(queuedTask, lane: submit.lane)
        } catch {
            // Not queued (the pool was shut down or broken meanwhile, or no thread could start).
            cancelUnstarted(.failed(error))
        }
    }

    // MARK: The pool's side

    /// On the worker that took the call: runs the awaiting task's job here (waiting for it if the task has
    /// not handed it over yet), with the call shown in the worker's slot.
    private func runOnWorker(in slot: Unmanaged<WorkerSlot>?, beforeCompleting: (QueuedTaskOutcome) -> Void) {
        while true {
            let next = state.withLock { state -> (job: UnownedJob?, wait: Parker?) in
                guard case .waiting = state.phase else { return (nil, nil) }
                let next = state.handOff.takeOrWait()
                if next.job != nil { state.phase = .running }
                return next
            }
            if let parker = next.wait {
                parker.park()
                continue
            }
            guard let job = next.job else { return beforeCompleting(.cancelled) }
            var reported = false
            withoutActuallyEscaping(beforeCompleting) { report in
                reportOutcome = { outcome in
                    reported = true
                    report(outcome)
                }
                slot?._withUnsafeGuaranteedRef { $0.current = self }
                job.runSynchronously(on: asUnownedTaskExecutor())
                slot?._withUnsafeGuaranteedRef { $0.current = nil }
                reportOutcome = nil
            }
            if !reported { beforeCompleting(.notRun) }
            return
        }
    }

    /// The call will not run: `phase` says why. The job, if here, runs elsewhere (where ``perform()``
    /// throws at once and needs no worker), and a worker waiting for it goes on to other work.
    private func cancelUnstarted(_ phase: Phase) {
        let (job, worker) = state.withLock { state -> (job: UnownedJob?, worker: Parker?) in
            guard case .waiting = state.phase else { return (nil, nil) }
            state.phase = phase
            state.submitOnArrival = nil
            return state.handOff.abandon()
        }
        worker?.unpark()
        if let job { JobHandOff.runElsewhere(job) }
    }

    // MARK: The task's side

    /// In the awaiting task, on the worker: runs the work with the pool's task hooks and reports how it
    /// ended to the worker before the task leaves it; or throws at once if the call will not run.
    ///
    /// - Throws: the work's error; `CancellationError` if the task was cancelled before the work started;
    ///   ``FutureError/cancelled`` if a shutdown cancelled it; the pool's error if it could not take it.
    func perform() throws -> Value {
        switch state.withLock({ $0.phase }) {
        case .failed(let error):
            throw error
        case .cancelled, .waiting, .finished:
            try Task.checkCancellation()
            throw FutureError.cancelled
        case .running:
            break
        }
        hooks.beforeTask?()
        let result = Result { try work() }
        if let after = hooks.afterTask {
            switch result {
            case .success: after(nil)
            case .failure(let error): after(error)
            }
        }
        state.withLock { $0.phase = .finished }
        reportOutcome?(result.isFailure ? .failed : .succeeded)
        return try result.get()
    }

    /// The call's deadline passed: an unstarted call fails with `error` (its job runs elsewhere and throws
    /// it); running work is asked to stop.
    func deadlinePassed(_ error: DeadlineExceededError) {
        cancelUnstarted(.failed(error))
        requestCancellation()
    }

    /// The awaiting task was cancelled: an unstarted call is cancelled (its job runs elsewhere and throws);
    /// running work is asked to stop.
    func taskCancelled() {
        cancelUnstarted(.cancelled)
        requestCancellation()
    }

    // MARK: CancellableWork

    var isCancellationRequested: Bool {
        requested.load(ordering: .acquiring)
    }

    @discardableResult
    func requestCancellation() -> Bool {
        let handlers = state.withLock { state -> [CancellationHandler]? in
            guard case .running = state.phase, !state.cancellationRequested else { return nil }
            state.cancellationRequested = true
            requested.store(true, ordering: .releasing)
            defer { state.handlers = [] }
            return state.handlers
        }
        handlers?.forEach { $0.run() }
        return handlers != nil
    }

    func addCancellationHandler(_ handler: CancellationHandler) -> Bool {
        state.withLock { state in
            guard case .running = state.phase, !state.cancellationRequested else { return false }
            state.handlers.append(handler)
            return true
        }
    }

    func removeCancellationHandler(_ handler: CancellationHandler) {
        state.withLock { state in state.handlers.removeAll { $0 === handler } }
    }
}
