import Foundation
import Synchronization
import Testing

@testable import Futures

/// An async function with no isolation: calling it asks the runtime to switch to the generic executor
/// (honouring the task's executor preference).
private nonisolated func nonisolatedHop() async -> String {
    currentThreadName()
}

extension ThreadPoolExecutor {
    /// Entries waiting to start: jobs and tasks in the pool's queue, and tasks a worker took in its run.
    fileprivate var queuedCount: Int { statistics.queued }
}

@Suite("Async: run, TaskExecutor, async map and scope")
struct AsyncTests {
    // MARK: The pool as a TaskExecutor

    @Test func withTaskExecutorPreferenceRunsOnAPoolThread() async {
        let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "apref")
        let names = await withTaskExecutorPreference(pool) {
            let first = currentThreadName()
            await Task.yield()
            let afterYield = currentThreadName()
            let inCallee = await nonisolatedHop()
            return [first, afterYield, inCallee]
        }
        for name in names { #expect(name.hasPrefix("apref_"), "ran on \(name)") }
        await pool.shutdown()
    }

    @Test func taskWithExecutorPreferenceRunsOnAPoolThread() async {
        let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "atask")
        let name = await Task(executorPreference: pool) { currentThreadName() }.value
        #expect(name.hasPrefix("atask_"), "ran on \(name)")
        // Child tasks inherit the preference.
        let childName = await Task(executorPreference: pool) {
            async let child = nonisolatedHop()
            return await child
        }.value
        #expect(childName.hasPrefix("atask_"), "child ran on \(childName)")
        await pool.shutdown()
    }

    @Test func groupAddTaskWithExecutorPreferenceRunsOnAPoolThread() async {
        let pool = ThreadPoolExecutor(maxWorkers: 3, threadNamePrefix: "agroup")
        let names = await withTaskGroup(of: String.self) { group in
            for _ in 0..<10 { group.addTask(executorPreference: pool) { currentThreadName() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(names.count == 10)
        for name in names { #expect(name.hasPrefix("agroup_"), "ran on \(name)") }
        await pool.shutdown()
    }

    @Test func preferredTasksRunOnWorkersThatRanTheInitializer() async {
        let marked = Counter()
        let pool = ThreadPoolExecutor(maxWorkers: 2, initializer: { marked.increment() })
        _ = await Task(executorPreference: pool) { currentThreadName() }.value
        #expect(marked.count >= 1 && marked.count == pool.threadsStarted, "every worker ran the initializer")
        await pool.shutdown()
    }

    /// The pool hands out its core's identity, on which the workers run jobs, so a task already on a
    /// worker is on its preferred executor: calls to nonisolated async functions continue inline rather
    /// than being queued again (which would wake or start more workers).
    @Test func aTaskOnItsPreferredPoolIsNotRequeuedOnEveryCall() async {
        let pool = ThreadPoolExecutor(maxWorkers: 4, threadNamePrefix: "ahop")
        let names = await withTaskExecutorPreference(pool) {
            var names = Set<String>()
            for _ in 0..<200 { names.insert(await nonisolatedHop()) }
            return names
        }
        #expect(names.count == 1, "stayed on one worker: \(names)")
        #expect(pool.threadsStarted == 1, "no job was queued again, so no other worker was needed")
        await pool.shutdown()
    }

    @Test func preferredJobsShareTheQueueAndTheLimitWithSubmittedWork() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate()
        let busy = Gate()
        let blocker = try pool.submit {
            busy.open()
            gate.wait()
        }
        #expect(await busy.waitAsync(), "the only worker is busy")
        let task = Task(executorPreference: pool) { currentThreadName() }
        #expect(
            await waitForStateAsync(of: pool) { $0.statistics.queued == 1 }, "the job waits behind the submitted work")
        #expect(pool.threadsStarted == 1)
        gate.open()
        _ = await task.value
        _ = try await blocker.value
        await pool.shutdown()
    }

    @Test func eightBlockingCallsUnderPreferenceRunFourAtATime() async {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let clock = ContinuousClock()
        // Each call's start and end, taken on the pool's threads: the span measures the pool, not how soon
        // the cooperative threads (busy with other tests in a parallel run) resume this task.
        let spans = Recorder<(ContinuousClock.Instant, ContinuousClock.Instant)>()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask(executorPreference: pool) {
                    let start = clock.now
                    usleep(100_000)
                    spans.append((start, clock.now))
                }
            }
        }
        let calls = spans.values
        let elapsed = calls.map(\.1).max()! - calls.map(\.0).min()!
        #expect(elapsed < .milliseconds(700), "8 × 100 ms on 4 workers took \(elapsed) from first start to last end")
        // Calls running at the moment each call starts; the most of them is the most that ran at once.
        let mostAtOnce = calls.map { call in calls.filter { $0.0 <= call.0 && call.0 < $0.1 }.count }.max()!
        #expect(mostAtOnce <= 4, "at most 4 calls at once on 4 workers, saw \(mostAtOnce)")
        #expect(pool.threadsStarted == 4)
        await pool.shutdown()
    }

    @Test func jobsEnqueuedAfterShutdownStillRun() async {
        let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "alate")
        _ = await Task(executorPreference: pool) { currentThreadName() }.value
        await pool.shutdown()
        #expect(pool.liveThreads == 0)
        #expect(throws: ExecutorError.shutDown) { try pool.submit { 1 } }
        // The runtime requires every enqueued job to run: a new worker starts for it.
        let name = await Task(executorPreference: pool) { currentThreadName() }.value
        #expect(name.hasPrefix("alate_"), "ran on \(name)")
        let inScope = await withTaskExecutorPreference(pool) { currentThreadName() }
        #expect(inScope.hasPrefix("alate_"), "ran on \(inScope)")
        #expect(await eventuallyAsync { pool.liveThreads == 0 }, "the late worker exits once the queue is empty")
    }

    @Test func jobsSurviveShutdownWithCancelFutures() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate()
        let busy = Gate()
        let blocker = try pool.submit {
            busy.open()
            gate.wait()
        }
        #expect(await busy.waitAsync(), "the only worker is busy")
        let queued = try pool.submit { 1 }
        let task = Task(executorPreference: pool) { currentThreadName() }
        #expect(await waitForStateAsync(of: pool) { $0.statistics.queued == 2 })
        await pool.shutdown(wait: false, cancelFutures: true)
        #expect(queued.isCancelled)
        gate.open()
        #expect(!(await task.value).isEmpty, "the job ran")
        _ = try await blocker.value
        await pool.shutdown()
    }

    // MARK: run

    @Test func runReturnsTheValueAndRethrowsTheError() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "arun")
        let name = try await pool.run { currentThreadName() }
        #expect(name.hasPrefix("arun_"))
        await #expect(throws: TestError(tag: 7)) { try await pool.run { throw TestError(tag: 7) } }
        await pool.shutdown()
        await #expect(throws: ExecutorError.shutDown) { try await pool.run { 1 } }
    }

    @Test func runWorksThroughAnyExecutor() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let executor: any Executor = pool
        #expect(try await executor.run { 6 * 7 } == 42)
        await pool.shutdown()
    }

    @Test func runFromATaskOnThePoolItselfDoesNotDeadlock() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let value = try await Task(executorPreference: pool) {
            // The task suspends in `run`, which frees the pool's only worker for the submitted call.
            try await pool.run { 5 }
        }.value
        #expect(value == 5)
        await pool.shutdown()
    }

    @Test func manyBlockingCallsThroughRunDoNotStarveOtherTasks() async throws {
        // More blocking calls than the machine has cores (and so than the cooperative pool has threads),
        // each parked until an unrelated async task has finished: if they blocked the cooperative threads,
        // that task could not run until their gate timed out, and they would return `false`. (No bound on
        // how long the unrelated task takes: other tests running in parallel block cooperative threads
        // too, for seconds on a loaded 2-core machine; the gate's timeout is the bound.)
        let calls = max(8, 2 * ProcessInfo.processInfo.activeProcessorCount)
        let pool = ThreadPoolExecutor(maxWorkers: calls)
        let gate = Gate()
        let started = Counter()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<calls {
                group.addTask {
                    try await pool.run {
                        started.increment()
                        return gate.wait(timeout: .seconds(30))
                    }
                }
            }
            #expect(await started.waitAsync(for: calls))
            let ticks = await Task.detached {
                var ticks = 0
                for _ in 0..<5 {
                    try? await Task.sleep(for: .milliseconds(2))
                    ticks += 1
                }
                return ticks
            }.value
            #expect(ticks == 5)
            #expect(started.count == calls && !gate.isOpen, "the blocking calls were all in flight")
            gate.open()
            for try await opened in group {
                #expect(opened, "the unrelated task ran only after the blocking calls gave up")
            }
        }
        await pool.shutdown()
    }

    @Test func cancellingTheTaskCancelsAPendingRun() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate()
        let busy = Gate()
        let blocker = try pool.submit {
            busy.open()
            gate.wait()
        }
        #expect(await busy.waitAsync(), "the only worker is busy")
        let ran = Counter()
        let task = Task { try await pool.run { ran.increment() } }
        #expect(
            await waitForStateAsync(of: pool) { $0.statistics.queued == 1 }, "run submitted its work behind the blocker"
        )
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        gate.open()
        _ = try await blocker.value
        await pool.shutdown()
        #expect(ran.count == 0, "the cancelled work never ran")
    }

    @Test func runInAnAlreadyCancelledTaskSubmitsNothing() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let ran = Counter()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pool.run { ran.increment() }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        await pool.shutdown()
        #expect(ran.count == 0)
        #expect(pool.threadsStarted == 0, "nothing was submitted")
    }

    /// Documented choice: once the work has started, `run` waits for it and returns its outcome.
    @Test func cancellingTheTaskAfterTheWorkStartedWaitsForItsOutcome() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let release = Gate()
        let events = Recorder<String>()
        let task = Task {
            let value = try await pool.run {
                started.open()
                release.wait()
                events.append("work returned")
                return 42
            }
            events.append("run returned")
            return value
        }
        #expect(await started.waitAsync())
        task.cancel()
        try? await Task.sleep(for: .milliseconds(20))  // room for a wrong early return to show; not for sync
        #expect(events.values.isEmpty, "run did not return while its work was running")
        release.open()
        #expect(try await task.value == 42, "the finished work's value is kept")
        #expect(events.values == ["work returned", "run returned"])
        await pool.shutdown()
    }

    @Test func runOnAPoolShutDownWithCancelFuturesThrowsFutureErrorCancelled() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate()
        let busy = Gate()
        let blocker = try pool.submit {
            busy.open()
            gate.wait()
        }
        #expect(await busy.waitAsync(), "the only worker is busy")
        let task = Task { try await pool.run { 1 } }
        #expect(await waitForStateAsync(of: pool) { $0.statistics.queued == 1 })
        await pool.shutdown(wait: false, cancelFutures: true)
        await #expect(throws: FutureError.cancelled) { try await task.value }
        gate.open()
        _ = try await blocker.value
        await pool.shutdown()
    }

    // MARK: Future.value

    @Test func valueEndsAtOnceWhenTheTaskIsCancelledAndLeavesTheFuture() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate()
        let busy = Gate()
        let running = try pool.submit {
            busy.open()
            gate.wait()
        }
        let pending = try pool.submit { 2 }
        let task = Task {
            _ = try await running.value
            return try await pending.value
        }
        #expect(await busy.waitAsync())
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(pending.state == .pending, "value does not cancel a future others may hold")
        gate.open()
        #expect(try await pending.value == 2)
        await pool.shutdown()
    }

    // MARK: async map

    @Test func asyncMapKeepsInputOrder() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let results = try await pool.map(0..<1000) { $0 * 2 }
        #expect(results == (0..<1000).map { $0 * 2 })
        let one = try await pool.map(0..<50, chunkSize: 7) { String($0) }
        #expect(one == (0..<50).map { String($0) })
        #expect(try await pool.map([Int]()) { $0 }.isEmpty)
        let executor: any Executor = pool
        #expect(try await executor.map(["a", "bb", "ccc"]) { $0.count } == [1, 2, 3])
        await pool.shutdown()
    }

    @Test func asyncMapPicksThePoolsDefaultChunkSize() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate()
        // 100 items on 1 worker: chunks of 100 / 8 = 12, so 9 tasks; the first holds the worker.
        let task = Task {
            try await pool.map(0..<100) { item in
                if item == 0 { gate.wait() }
                return item
            }
        }
        // All nine submitted (the worker may have taken the eight behind the first into its run already).
        #expect(await waitForStateAsync(of: pool) { $0.statistics.submitted == 9 }, "queued: \(pool.queuedCount)")
        #expect(pool.statistics.queued == 8, "eight wait behind the first, in the queue or the worker's run")
        gate.open()
        #expect(try await task.value == Array(0..<100))
        await pool.shutdown()
    }

    @Test func asyncMapTimesOutAndCancelsWhatHasNotStarted() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate()
        let ran = Counter()
        await #expect(throws: FutureError.timedOut) {
            try await pool.map(0..<5, timeout: .milliseconds(50), chunkSize: 1) { item in
                ran.increment()
                if item == 0 { gate.wait() }
                return item
            }
        }
        gate.open()
        await pool.shutdown()
        #expect(ran.count == 1, "only the first item started")
    }

    @Test func asyncMapThrowsTheFirstErrorInInputOrder() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let gate = Gate()
        await #expect(throws: TestError(tag: 3)) {
            try await pool.map(0..<10, chunkSize: 1) { item in
                if item == 3 {
                    gate.wait()  // fails after item 7 has
                    throw TestError(tag: 3)
                }
                if item == 7 {
                    gate.open()
                    throw TestError(tag: 7)
                }
                return item
            }
        }
        await pool.shutdown()
    }

    @Test func cancellingAsyncMapCancelsUnstartedChunksAndWaitsForRunningOnes() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let release = Gate()
        let ran = Recorder<Int>()
        let finished = Counter()
        let task = Task {
            defer { finished.increment() }
            return try await pool.map(0..<10, chunkSize: 1) { item in
                ran.append(item)
                if item == 0 {
                    started.open()
                    release.wait()
                }
                return item
            }
        }
        #expect(await started.waitAsync())
        task.cancel()
        try? await Task.sleep(for: .milliseconds(20))  // room for a wrong early return to show; not for sync
        #expect(finished.count == 0, "map waits for its running chunk")
        release.open()
        await #expect(throws: CancellationError.self) { try await task.value }
        await pool.shutdown()
        #expect(ran.values == [0], "no unstarted chunk ran")
    }

    // MARK: The scoped executor

    @Test func asyncScopeShutsThePoolDownWhenTheBodyThrows() async throws {
        let kept = Recorder<ThreadPoolExecutor>()
        let slowDone = Counter()
        await #expect(throws: TestError(tag: 1)) {
            try await withThreadPoolExecutor(maxWorkers: 2) { pool in
                kept.append(pool)
                _ = try pool.submit {
                    usleep(50_000)
                    slowDone.increment()
                }
                _ = try await pool.run { 1 }
                throw TestError(tag: 1)
            }
        }
        let pool = try #require(kept.values.first)
        #expect(slowDone.count == 1, "queued work ran before the scope returned")
        #expect(pool.liveThreads == 0, "every worker exited")
        #expect(throws: ExecutorError.shutDown) { try pool.submit { 1 } }
    }

    @Test func asyncScopeReturnsTheBodysValue() async throws {
        let sum = try await withThreadPoolExecutor(maxWorkers: 3) { pool in
            try await pool.map(1...10) { $0 }.reduce(0, +)
        }
        #expect(sum == 55)
    }
}
