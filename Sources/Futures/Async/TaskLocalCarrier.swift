/// Carries the task-local values of the task that submits work into the work, for the async calls that
/// hand back futures (`submitWaitingForRoom`, the async `map`, `lazyMap` and `unorderedMap` of a pool).
///
/// At submit, on the submitting task's thread, the carrier starts a task that prefers it as its executor
/// (`Task(executorPreference:)`): a new task copies the task-local values of the task that makes it, and
/// its first job comes straight to the carrier's ``enqueue(_:)``, which keeps it. The future's work is
/// ``runHere()``: the worker that runs the future runs that job on its own thread, and the job runs the
/// submitted work inside the task, with those values bound, then the task ends. The future, its queue
/// entry, the lanes, hooks, statistics and cancellation are those of any submitted task.
///
/// A future whose work never runs (cancelled, failed, or dropped by a shutdown) releases its work closure;
/// the closure's ``Token`` then closes the carrier, which sends the job to Swift's global concurrent
/// executor, where the task ends without running the work: every job runs, as the runtime requires.
///
/// The cost, per future: a task made at submit (about 3 µs to make and run on the machine the benchmarks run on) that
/// holds about 1.5 KB while the future waits in the queue, where a plain future holds about 100 bytes.
@usableFromInline
final class TaskLocalCarrier<Value: Sendable>: TaskExecutor, Sendable {
    private struct State {
        /// The task's job, on its way to the worker that runs the future.
        var handOff = JobHandOff()
        /// The work will not run here: the job, now or when it comes, runs elsewhere.
        var closed = false
        /// What the work returned or threw.
        var result: Result<Value, any Error>?
    }

    private let state = Locked(State())

    private init() {}

    /// `work`, to be run by a future, with the current task's task-local values carried into it.
    @usableFromInline
    static func carrying(_ work: @escaping @Sendable () throws -> Value) -> @Sendable () throws -> Value {
        let carrier = TaskLocalCarrier()
        Task(executorPreference: carrier) { carrier.perform(work) }
        let token = Token(carrier)
        return { try token.carrier.runHere() }
    }

    /// Closes the carrier when the future lets go of its work, run or not.
    private final class Token: Sendable {
        let carrier: TaskLocalCarrier
        init(_ carrier: TaskLocalCarrier) { self.carrier = carrier }
        deinit { carrier.close() }
    }

    /// The runtime hands over the task's job: a worker waiting for it takes it, or it waits for one.
    @usableFromInline
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let (forward, worker) = state.withLock { state -> (Bool, Parker?) in
            if state.closed { return (true, nil) }
            return (false, state.handOff.deliver(job))
        }
        if forward { return JobHandOff.runElsewhere(job) }
        worker?.unpark()
    }

    /// The future's work, on a worker: runs the task's job here, so the submitted work runs inside the
    /// task, and returns what it returned.
    private func runHere() throws -> Value {
        while true {
            let next = state.withLock { state -> (job: UnownedJob?, wait: Parker?) in
                if state.closed { return (state.handOff.abandon().job, nil) }
                return state.handOff.takeOrWait()
            }
            if let parker = next.wait {
                parker.park()
                continue
            }
            next.job?.runSynchronously(on: asUnownedTaskExecutor())
            let result = state.withLock { state -> Result<Value, any Error>? in
                state.closed = true
                return state.result.take()
            }
            // The job ran the work unless the carrier was closed first (only the future's release closes it).
            return try (result ?? .failure(FutureError.cancelled)).get()
        }
    }

    /// The task's body: runs the work unless the carrier was closed, and keeps the result for ``runHere()``.
    private func perform(_ work: () throws -> Value) {
        if state.withLock({ $0.closed }) { return }
        let result = Result { try work() }
        state.withLock { $0.result = result }
    }

    /// The future let go of its work: a job not yet run runs elsewhere, without the work.
    private func close() {
        let (job, worker) = state.withLock { state -> (job: UnownedJob?, worker: Parker?) in
            state.closed = true
            return state.handOff.abandon()
        }
        worker?.unpark()
        if let job { JobHandOff.runElsewhere(job) }
    }
}
