import Foundation
import Testing

@testable import Futures

/// Issue 18, item 1: `isShutdown`, `isTerminated`, `awaitTermination` (blocking and async), `shutdownNow`,
/// `isFailed`, and the scoped pool with a configuration and an exit policy.
@Suite struct LifecycleTests {
    // MARK: isShutdown, isTerminated

    @Test func aNewPoolIsNeitherShutDownNorTerminated() {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        #expect(!pool.isShutdown)
        #expect(!pool.isTerminated, "never terminated before a shutdown, even with no thread")
        pool.shutdown()
        #expect(pool.isShutdown)
        #expect(pool.isTerminated)
    }

    @Test func shutdownWithoutWaitIsShutDownButNotTerminatedWhileATaskRuns() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let release = Gate()
        let running = try pool.submit {
            started.open(); release.wait()
        }
        let queued = try pool.submit { 2 }
        #expect(started.wait())
        pool.shutdown(wait: false)
        #expect(pool.isShutdown)
        #expect(!pool.isTerminated)
        #expect(throws: ExecutorError.shutDown) { try pool.submit { 0 } }
        release.open()
        try pool.awaitTermination()
        #expect(pool.isTerminated)
        let queuedValue = try queued.result()
        #expect(running.state == .finished && queuedValue == 2, "queued work ran before termination")
    }

    @Test func aBrokenPoolIsShutDown() throws {
        struct Broken: Error {}
        let pool = ThreadPoolExecutor(maxWorkers: 1, initializer: { throw Broken() })
        defer { pool.shutdown() }
        let future = try pool.submit { 1 }
        #expect(throws: ExecutorError.self) { try future.result() }
        #expect(pool.isShutdown, "a broken pool takes no more work")
    }

    // MARK: awaitTermination

    @Test func awaitTerminationTimesOutWhileATaskRunsThenReturns() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let release = Gate()
        _ = try pool.submit {
            started.open(); release.wait()
        }
        #expect(started.wait())
        pool.shutdown(wait: false)
        #expect(throws: FutureError.timedOut) { try pool.awaitTermination(timeout: .milliseconds(50)) }
        #expect(!pool.isTerminated, "a timeout changes nothing")
        release.open()
        try pool.awaitTermination(timeout: .seconds(30))
        #expect(pool.isTerminated)
    }

    @Test func awaitTerminationOnAnOpenPoolTimesOut() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        #expect(try pool.submit { 1 }.result() == 1)
        #expect(throws: FutureError.timedOut) { try pool.awaitTermination(timeout: .milliseconds(20)) }
        #expect(throws: FutureError.timedOut) { try pool.awaitTermination(timeout: .zero) }
    }

    @Test func awaitTerminationReturnsWhenAnotherThreadShutsThePoolDown() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        _ = try pool.submit { 1 }.result()
        let waiting = Gate()
        let terminated = Gate()
        let waiter = Thread {
            waiting.open()
            if (try? pool.awaitTermination()) != nil { terminated.open() }
        }
        waiter.start()
        #expect(waiting.wait())
        pool.shutdown(wait: false)
        #expect(terminated.wait(), "woken by the termination")
    }

    @Test func awaitTerminationReturnsAfterEveryWorkerExitHook() throws {
        let exits = Counter()
        let pool = ThreadPoolExecutor(
            // The pause widens the window in which a wrong awaitTermination would return early.
            maxWorkers: 3,
            configuration: .init(
                hooks: .init(workerExiting: { _ in
                    usleep(2_000); exits.increment()
                })))
        let release = Gate()
        let futures = try (0..<3).map { _ in try pool.submit { release.wait() } }
        release.open()
        pool.shutdown(wait: false)
        try pool.awaitTermination()
        #expect(exits.count == pool.threadsStarted, "every exit hook ran before awaitTermination returned")
        #expect(futures.allSatisfy { $0.isDone })
    }

    @Test func awaitTerminationFromItsOwnWorkerIsAnError() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let future = try pool.submit { () throws in try pool.awaitTermination(timeout: .seconds(1)) }
        #expect(throws: FutureError.self) { try future.result() }
    }

    @Test func awaitTerminationAsync() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let release = Gate()
        _ = try pool.submit {
            started.open(); release.wait()
        }
        #expect(started.wait())
        await pool.shutdown(wait: false)
        await #expect(throws: FutureError.timedOut) { try await pool.awaitTermination(timeout: .milliseconds(50)) }
        let waiter = Task { try await pool.awaitTermination() }
        release.open()
        try await waiter.value
        #expect(pool.isTerminated)
    }

    @Test func awaitTerminationAsyncEndsWhenTheTaskIsCancelled() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let waiter = Task { try await pool.awaitTermination() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        await pool.shutdown()
    }

    // MARK: shutdownNow

    @Test func shutdownNowReturnsExactlyTheFuturesThatNeverStarted() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let release = Gate()
        let running = try pool.submit {
            started.open(); release.wait(); return 0
        }
        let queued = try (1...5).map { n in try pool.submit { n } }
        #expect(started.wait())
        #expect(queued[1].cancel(), "cancelled before: not reported again")
        let cancelled = pool.shutdownNow()
        let expected = [queued[0], queued[2], queued[3], queued[4]].map { AnyFuture($0) }
        #expect(cancelled == expected, "the never-started futures, in queue order")
        #expect(cancelled.allSatisfy { $0.isCancelled }, "cancelled before shutdownNow returns")
        #expect(pool.isShutdown)
        #expect(throws: ExecutorError.shutDown) { try pool.submit { 0 } }
        #expect(pool.shutdownNow().isEmpty, "nothing left the second time")
        release.open()
        try pool.awaitTermination()
        #expect(try running.result() == 0, "the running task finished")
    }

    @Test func shutdownNowAfterAPlainShutdownStillCancelsTheQueue() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let release = Gate()
        _ = try pool.submit {
            started.open(); release.wait()
        }
        let queued = try pool.submit { 1 }
        #expect(started.wait())
        pool.shutdown(wait: false)
        #expect(pool.shutdownNow() == [AnyFuture(queued)])
        release.open()
        try pool.awaitTermination()
    }

    // MARK: isFailed

    @Test func isFailedIsTrueOnlyForAFutureThatFinishedWithAnError() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let succeeded = try pool.submit { 1 }
        let failed = try pool.submit { () throws -> Int in throw TestError() }
        let cancelled = Future<Int>()
        _ = cancelled.cancel()
        let pending = Future<Int>()
        _ = try succeeded.result()
        _ = try? failed.result()
        #expect(!succeeded.isFailed && failed.isFailed && !cancelled.isFailed && !pending.isFailed)
        #expect(!AnyFuture(succeeded).isFailed && AnyFuture(failed).isFailed && !AnyFuture(cancelled).isFailed)
        #expect(!AnyFuture(pending).isFailed)
    }

    @available(*, deprecated)
    @Test func anyFuturesFailedStaysAsADeprecatedAlias() throws {
        let future = Future<Int>()
        try future.setError(TestError())
        #expect(AnyFuture(future).failed && AnyFuture(future).isFailed)
        _ = try? future.result()
    }

    // MARK: The scoped pool with a configuration and an exit policy

    @Test func scopedPoolTakesAConfiguration() throws {
        let exits = Counter()
        let configuration = ThreadPoolConfiguration(
            maxQueued: 7, hooks: .init(workerExiting: { _ in exits.increment() }))
        let started = try withThreadPoolExecutor(maxWorkers: 2, configuration: configuration) { pool in
            #expect(pool.configuration.maxQueued == 7)
            let one = try pool.submit { 1 }.result()
            #expect(one == 1)
            return pool.threadsStarted
        }
        #expect(exits.count == started, "shut down with wait: true before returning")
    }

    @Test func scopedPoolWaitsForTheQueueByDefault() throws {
        let release = Gate()
        var futures: [Future<Int>] = []
        try withThreadPoolExecutor(maxWorkers: 1, configuration: .init()) { pool in
            futures.append(
                try pool.submit {
                    release.wait(); return 0
                })
            futures += try (1...3).map { n in try pool.submit { n } }
            release.open()
        }
        #expect(futures.allSatisfy { $0.state == .finished })
    }

    @Test func scopedPoolCancelsPendingWorkOnExitWhenAsked() throws {
        struct GaveUp: Error {}
        let started = Gate()
        let release = Gate()
        var running: Future<Int>?
        var queued: [Future<Int>] = []
        #expect(throws: GaveUp.self) {
            try withThreadPoolExecutor(maxWorkers: 1, configuration: .init(maxQueued: 10), onExit: .cancelPending) {
                pool in
                running = try pool.submit {
                    started.open(); release.wait(); return 0
                }
                queued = try (1...3).map { n in try pool.submit { n } }
                // The running task goes on once the exit has cancelled the queue.
                queued.last!.addDoneCallback { _ in release.open() }
                #expect(started.wait())
                throw GaveUp()
            }
        }
        #expect(running?.state == .finished, "the running task finished before the call returned")
        #expect(queued.allSatisfy { $0.isCancelled }, "queued futures cancelled on exit")
    }

    @Test func scopedPoolAsyncFormsTakeAConfigurationAndAnExitPolicy() async throws {
        let sizes = try await withThreadPoolExecutor(maxWorkers: 2, configuration: .init(maxQueued: 4)) { pool in
            try await pool.map([1, 2, 3]) { $0 * 2 }
        }
        #expect(sizes == [2, 4, 6])
        let started = Gate()
        let release = Gate()
        var queued: [Future<Int>] = []
        try await withThreadPoolExecutor(maxWorkers: 1, onExit: .cancelPending) { pool in
            _ = try pool.submit {
                started.open(); release.wait(); return 0
            }
            queued = try (1...3).map { n in try pool.submit { n } }
            queued.last!.addDoneCallback { _ in release.open() }
            #expect(started.wait())
        }
        #expect(queued.allSatisfy { $0.isCancelled })
        // A body that does not await still picks the async overload in async code (no noasync error).
        let one = await withThreadPoolExecutor(maxWorkers: 1, configuration: .init(), onExit: .waitForQueue) { _ in 1 }
        #expect(one == 1)
    }

    @Test func thePinnedScopedFormStillResolves() async throws {
        // Trailing closure, with and without arguments, blocking and async: the pinned overloads.
        let blocking: Int = try {
            try withThreadPoolExecutor { pool in try pool.submit { 1 }.result() }
        }()
        #expect(blocking == 1)
        let named = try await withThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "pinned") { pool in
            try await pool.submit { 2 }.value
        }
        #expect(named == 2)
    }

    // MARK: State machine, event by event

    @Test func stateMachineTerminatesWhenTheLastWorkerHasLeft() throws {
        var machine = PoolStateMachine(maxWorkers: 1)
        let worker = Parker()
        let waiter = Parker()
        guard case .startThread(0) = try machine.submit(fakeTask()) else { Issue.record("starts a thread"); return }
        machine.workerStarted()
        guard case .run = machine.nextWork(for: worker, wasParked: false, finished: .init()).action else {
            Issue.record("runs the task"); return
        }
        let waits = machine.awaitTermination(waiter)
        #expect(waits, "open: not terminated")
        let action = machine.shutdown(cancelFutures: false)
        #expect(action.wakeWaiters.isEmpty, "a task still runs")
        guard case .exit = machine.nextWork(for: worker, wasParked: false, finished: .init(.succeeded)).action else {
            Issue.record("exits"); return
        }
        #expect(machine.liveThreads == 0)
        #expect(!machine.isTerminated, "the worker has not left yet (its exit hook runs now)")
        let woken = machine.workerExited()
        #expect(machine.isTerminated)
        #expect(woken.count == 1 && woken.first === waiter)
    }

    @Test func stateMachineRetiringWorkerStartsAReplacementWhenWorkIsQueued() throws {
        var machine = PoolStateMachine(maxWorkers: 1)
        let worker = Parker()
        let exitWaiter = Parker()
        _ = try machine.submit(fakeTask())
        _ = machine.nextWork(for: worker, wasParked: false, finished: .init())
        guard case PoolStateMachine.SubmitAction.none = try machine.submit(fakeTask()) else {
            Issue.record("at the limit: no thread starts"); return
        }
        let retirement = machine.workerRetiring(worker, finished: .init(.succeeded))
        guard case .retire(replacement: 1) = retirement.action else {
            Issue.record("a replacement for the queued task"); return
        }
        #expect(machine.liveThreads == 1 && machine.statistics.completed == 1)
        _ = machine.shutdown(cancelFutures: false)
        let waitsForExit = machine.awaitExit(exitWaiter, callerIsWorker: false)
        #expect(waitsForExit)
        _ = machine.nextWork(for: Parker(), wasParked: false, finished: .init())
        let exited = machine.nextWork(for: Parker(), wasParked: false, finished: .init(.succeeded))
        guard case .exit = exited.action else { Issue.record("the replacement exits"); return }
        #expect(exited.wake.isEmpty, "the retiring worker is still leaving: shutdown(wait: true) waits for it")
        let woken = machine.workerRetired()
        #expect(woken.count == 1 && woken.first === exitWaiter)
    }

    @Test func stateMachineRetiringIdleWorkerLeavesTheIdleListAndStartsNothing() throws {
        var machine = PoolStateMachine(maxWorkers: 2)
        let worker = Parker()
        _ = try machine.submit(fakeTask())
        _ = machine.nextWork(for: worker, wasParked: false, finished: .init())
        guard case .park = machine.taskFinished(.succeeded, for: worker).action else { Issue.record("idle"); return }
        let retirement = machine.workerRetiring(worker, finished: .settledOne, wentIdle: true)
        guard case .retire(replacement: nil) = retirement.action else {
            Issue.record("nothing queued: no replacement; the next submit starts a thread"); return
        }
        #expect(machine.statistics.idleThreads == 0 && machine.liveThreads == 0 && machine.unfinished == 0)
        guard case .startThread(1) = try machine.submit(fakeTask()) else { Issue.record("starts a thread"); return }
    }

    @Test func stateMachineRetiringWorkerThatASubmitPickedIsNoLongerOnItsWay() throws {
        // The worker's last allowed task: `taskFinished` puts it on the idle list before the future is
        // completed; a submit picks it there (one worker on its way), and then it retires instead of coming.
        var machine = PoolStateMachine(maxWorkers: 2)
        let retiring = Parker()
        let other = Parker()
        _ = try machine.submit(fakeTask())
        _ = machine.nextWork(for: retiring, wasParked: false, finished: .init())
        _ = try machine.submit(fakeTask())
        _ = machine.nextWork(for: other, wasParked: false, finished: .init())
        guard case .park = machine.nextWork(for: other, wasParked: false, finished: .init(.succeeded)).action
        else { Issue.record("the other worker goes idle"); return }
        guard case .park = machine.taskFinished(.succeeded, for: retiring).action else { Issue.record("idle"); return }
        // The first submit wakes the worker idle longest, `other`, which arrives and takes the task; the
        // next picks the retiring worker, the only one left idle.
        guard case .wake(let first) = try machine.submit(fakeTask()), first === other,
            case .run = machine.nextWork(for: other, wasParked: true, finished: .init()).action,
            case .wake(let second) = try machine.submit(fakeTask()), second === retiring
        else { Issue.record("the submits pick the idle workers in turn"); return }
        #expect(machine.waking == 1)
        guard
            case .retire(replacement: .some) = machine.workerRetiring(
                retiring, finished: .settledOne, wentIdle: true
            ).action
        else { Issue.record("a replacement starts for the queued task"); return }
        #expect(machine.waking == 0, "the retiring worker will not arrive")
        // `other` finishes, takes the queued task before the replacement does, finishes it and goes idle:
        // the next submit must wake it (with the retiring worker still counted, none would be woken).
        guard case .run = machine.nextWork(for: other, wasParked: false, finished: .init(.succeeded)).action,
            case .park = machine.nextWork(for: other, wasParked: false, finished: .init(.succeeded)).action
        else { Issue.record("the other worker runs the queued task and goes idle"); return }
        guard case .wake(let woken) = try machine.submit(fakeTask()), woken === other else {
            Issue.record("a submit wakes the idle worker"); return
        }
    }
}

/// A queue entry for state-machine tests: a pending future that nothing runs.
private func fakeTask() -> QueuedTask {
    Future<Int>(work: { 0 }).queuedTask
}
