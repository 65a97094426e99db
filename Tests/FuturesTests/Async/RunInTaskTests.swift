import Synchronization
import Testing

@testable import Futures

/// `pool.run` runs its work inside the awaiting task, on a worker (issue 19): the task's task-local values
/// are visible to the work, `Task.isCancelled` in it reflects the awaiting task, and the worker keeps no
/// value for the next task.
@Suite("run inside the awaiting task")
struct RunInTaskTests {
    @TaskLocal static var requestID: String?

    @Test(.timeLimit(.minutes(1))) func taskLocalValuesReachTheWorkAndStayThere() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: "locals")
        let seen = try await Self.$requestID.withValue("req-42") {
            try await pool.run { (Self.requestID, currentThreadName()) }
        }
        #expect(seen.0 == "req-42", "the bound value is visible inside the work")
        #expect(seen.1.hasPrefix("locals"), "and the work ran on a worker of the pool")
        let after = try await pool.run { Self.requestID }
        #expect(after == nil, "the worker keeps no value for the next task")
        let submitted = try pool.submit { Self.requestID }
        #expect(try await submitted.value == nil)
        let inLane = try await Self.$requestID.withValue("req-43") {
            try await pool.run(priority: .high) { Self.requestID }
        }
        #expect(inLane == "req-43")
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func taskIsCancelledInsideTheWorkReflectsTheAwaitingTask() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let started = Gate(), cancelled = Gate()
        let task = Task {
            try await pool.run { () -> Bool in
                started.open()
                _ = cancelled.wait()
                return Task.isCancelled
            }
        }
        await offTheCooperativePool { started.wait() }
        #expect(try await pool.run { Task.isCancelled } == false, "another run's task is not cancelled")
        task.cancel()
        cancelled.open()
        #expect(try await task.value == true, "the running work sees its task cancelled")
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func aRunCancelledBeforeItStartsDoesNotRunAndThrows() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let held = try await HeldWorker.holding(pool)
        let ran = Counter()
        let waiting = Task { try await pool.run { ran.increment() } }
        #expect(await waitForStateAsync(of: pool) { $0.queued == 1 }, "the run's call is queued")
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        try await held.release()
        try await pool.waitUntilIdle()  // the worker has reached the cancelled call
        #expect(ran.count == 0, "the work never ran")
        #expect(pool.statistics.cancelled == 1)
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func aShutdownCancellingQueuedWorkCancelsAWaitingRun() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let held = try await HeldWorker.holding(pool)
        let ran = Counter()
        let waiting = Task { try await pool.run { ran.increment() } }
        #expect(await waitForStateAsync(of: pool) { $0.queued == 1 })
        await pool.shutdown(wait: false, cancelFutures: true)
        await #expect(throws: FutureError.cancelled) { try await waiting.value }
        try await held.release()
        await pool.shutdown()
        #expect(ran.count == 0)
    }

    @Test(.timeLimit(.minutes(1))) func aRunFromAWorkerOfItsOwnPoolDoesNotDeadlock() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let value = try await withTaskExecutorPreference(pool) {
            try await pool.run { 7 }
        }
        #expect(value == 7)
        await pool.shutdown()
    }

    /// A `run` whose call cannot be queued (the pool was shut down between the call and the hand-over)
    /// throws the pool's error, as `submit` would, and the work does not run.
    @Test(.timeLimit(.minutes(1))) func aRunOnAShutDownPoolThrowsTheSubmitError() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        await pool.shutdown()
        let ran = Counter()
        await #expect(throws: ExecutorError.shutDown) { try await pool.run { ran.increment() } }
        #expect(ran.count == 0)
    }

    /// With a bounded queue, `run` waits for room before it hands its job over, and still runs inside the
    /// task.
    @Test(.timeLimit(.minutes(1))) func aRunOnABoundedQueueStillSeesTheTaskLocals() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1, configuration: .init(maxQueued: 1))
        let seen = try await Self.$requestID.withValue("bounded") { try await pool.run { Self.requestID } }
        #expect(seen == "bounded")
        await pool.shutdown()
    }
}

/// More of `run` inside the awaiting task: it is one task of the pool for the hooks and the statistics, a
/// deadline reaches it, and cancellation requests reach its work through ``CurrentWork``.
@Suite("run inside the awaiting task: the pool's view")
struct RunInTaskPoolTests {
    @Test(.timeLimit(.minutes(1))) func aRunIsOneTaskForTheHooksAndTheStatistics() async throws {
        let before = Counter()
        let after = Recorder<Bool>()
        var configuration = ThreadPoolConfiguration()
        configuration.hooks.beforeTask = { before.increment() }
        configuration.hooks.afterTask = { error in after.append(error != nil) }
        let pool = ThreadPoolExecutor(maxWorkers: 1, configuration: configuration)
        #expect(try await pool.run { 1 } == 1)
        await #expect(throws: TestError.self) { try await pool.run { throw TestError() } }
        try await pool.waitUntilIdle()
        #expect(before.count == 2)
        #expect(after.values == [false, true])
        let statistics = pool.statistics
        #expect(statistics.submitted == 2 && statistics.completed == 1 && statistics.failed == 1)
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func aRunWithADeadlineFailsAtItWhileQueuedAndNeverRuns() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let held = try await HeldWorker.holding(pool)
        let ran = Counter()
        let deadline = ContinuousClock.now + .milliseconds(50)
        await #expect(throws: DeadlineExceededError(deadline: deadline)) {
            try await RunInTaskTests.$requestID.withValue("late") {
                try await pool.run(deadline: deadline) { ran.increment() }
            }
        }
        try await held.release()
        try await pool.waitUntilIdle()
        #expect(ran.count == 0)
        #expect(pool.statistics.cancelled == 1)
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func aRunWithADeadlineStillSeesTheTaskLocals() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let seen = try await RunInTaskTests.$requestID.withValue("in-time") {
            try await pool.run(deadline: .now + .seconds(60), priority: .high) { RunInTaskTests.requestID }
        }
        #expect(seen == "in-time")
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func cancellingTheTaskRunsTheHandlerOfItsRunningWork() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let task = Task {
            try await pool.run {
                let asked = Gate()
                return CurrentWork.withCancellationHandler {
                    started.open()
                    return asked.wait() && CurrentWork.isCancellationRequested && Task.isCancelled
                } onCancel: {
                    asked.open()
                }
            }
        }
        #expect(await started.waitAsync())
        task.cancel()
        #expect(try await task.value == true)
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func aCancellingShutdownAsksARunningRunToStop() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let task = Task {
            try await pool.run {
                let asked = Gate()
                return CurrentWork.withCancellationHandler {
                    started.open()
                    return asked.wait() && CurrentWork.isCancellationRequested
                } onCancel: {
                    asked.open()
                }
            }
        }
        #expect(await started.waitAsync())
        await pool.shutdown(wait: false, cancelFutures: true)
        #expect(try await task.value == true)
        await pool.shutdown()
    }
}

/// The worker's side of a `run` call whose job has not come yet (a bounded queue queues the call first).
@Suite("run inside the awaiting task: a worker waiting for the job")
struct RunInTaskWaitingWorkerTests {
    @Test(.timeLimit(.minutes(1))) func aWorkerWaitingForTheJobOfACancelledCallGoesOn() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let ran = Counter()
        let call = RunInTask(work: { ran.increment() }, hooks: ThreadPoolHooks())
        try pool.core.submit(call.queuedTask, lane: .normal)
        // The worker took the call and waits for the job, which never comes: the task is cancelled first.
        #expect(
            await waitForStateAsync(of: pool) {
                let s = $0.statistics; return s.threads == 1 && s.busyThreads == 1 && s.queued == 0
            })
        call.taskCancelled()
        try await pool.waitUntilIdle()
        #expect(ran.count == 0)
        #expect(pool.statistics.cancelled == 1)
        await pool.shutdown()
    }
}
