import Foundation
import Synchronization
import Testing

@testable import Futures

extension Reliability {
    /// Issue 18, item 3: a worker thread that cannot start ends in an error, not a crash.
    ///
    /// The pool's thread starter is swapped, per pool, for ``FailingThreadStarter``, which fails the way
    /// `pthread_create` does at the process's thread limit (`EAGAIN`): no machine limit is lowered, and
    /// tests running in parallel keep the real starter.
    @Suite("Thread start failure")
    struct ThreadStartFailureTests {
        @Test func whenNoWorkerCanStartSubmitThrowsTheCauseAndEveryQueuedFutureFailsWithIt() throws {
            let release = Gate()
            let starter = FailingThreadStarter(successes: 0, holdingTheFirstFailureUntil: release)
            let prefix = uniquePrefix("tsf")
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: prefix)
            defer { pool.shutdown() }
            pool.core.startThreads(with: starter.starter)
            let ran = Counter()
            // The first submit starts the pool's one thread; that start fails, but only after two more tasks
            // queued behind it (the thread counts as starting, so they start none).
            let firstSubmit = Recorder<Result<Future<Int>, any Error>>()
            let submitter = startThread { firstSubmit.append(Result { try pool.submit { ran.increment() } }) }
            #expect(starter.failing.wait())
            let queued = try (0..<2).map { _ in try pool.submit { ran.increment() } }
            #expect(queued.allSatisfy { $0.state == .pending })
            release.open()
            #expect(submitter.wait())

            guard case .failure(let error as ThreadStartError)? = firstSubmit.values.first else {
                Issue.record("the first submit should throw ThreadStartError, got \(firstSubmit.values)")
                return
            }
            let message = error.message
            #expect(
                message == "could not start a worker thread: \(PlatformThreadStartError.outOfThreads)",
                "names the cause")
            #expect(message.contains("pthread_create failed with error \(PlatformThreadStartError.outOfThreads.code)"))
            for future in queued {
                #expect(throws: ThreadStartError(message)) { try future.result(timeout: .seconds(10)) }
            }
            #expect(ran.count == 0)
            let stats = pool.statistics
            #expect(stats.threads == 0 && stats.threadsStarted == 0, "no thread started: \(stats)")
            #expect(stats.queued == 0 && stats.failed == 2 && stats.rejected == 1, "\(stats)")
            try pool.waitUntilIdle(timeout: .seconds(10))  // nothing is left pending

            // The pool stays open: once threads can start again, the next submit starts one.
            pool.core.startThreads(with: PlatformThread.start)
            #expect(try pool.submit { 7 }.result(timeout: .seconds(10)) == 7)
            #expect(pool.statistics.threadsStarted == 1)
            pool.shutdown(wait: true)
            // Joined, so exited; the kernel may list an exited thread in /proc a moment longer.
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        @Test func theHundredthThreadStartCostsWhatTheFirstDid() throws {
            // With `maxTasksPerWorker: 1` every task starts a thread. The pool once read its starter through
            // an `inout` access that wrapped it in one more thunk each time, so the n-th start ran through n
            // thunks: 40,000 tasks took 90 s instead of 1. The starter's stack depth must stay flat.
            let pool = ThreadPoolExecutor(maxWorkers: 1, configuration: .init(maxTasksPerWorker: 1))
            defer { pool.shutdown() }
            let depths = Recorder<Int>()
            pool.core.startThreads { name, body in
                depths.append(Thread.callStackReturnAddresses.count)
                return PlatformThread.start(name: name, body)
            }
            for n in 0..<200 { #expect(try pool.submit { n }.result(timeout: .seconds(30)) == n) }
            let seen = depths.values
            #expect(seen.count >= 100, "a thread per task or so: \(seen.count) starts")
            let growth = (seen.max() ?? 0) - (seen.min() ?? 0)
            #expect(growth <= 16, "the starter's stack grew by \(growth) frames over \(seen.count) starts")
        }

        @Test func aSubmitThatCannotStartTheOnlyThreadThrowsAtOnce() throws {
            let starter = FailingThreadStarter(successes: 0)
            let pool = ThreadPoolExecutor(maxWorkers: 3)
            defer { pool.shutdown() }
            pool.core.startThreads(with: starter.starter)
            for attempt in 1...3 {
                #expect(
                    throws: ThreadStartError(
                        "could not start a worker thread: \(PlatformThreadStartError.outOfThreads)")
                ) {
                    try pool.submit { 1 }
                }
                // With no worker to serve the queue there is no back-off: every submit tries to start one.
                #expect(starter.attempts == attempt)
            }
            let stats = pool.statistics
            #expect(
                stats.threadsStarted == 0 && stats.rejected == 3 && stats.submitted == 0 && stats.queued == 0,
                "\(stats)")
        }

        @Test func whenLaterWorkersCannotStartThePoolServesOnWithTheOnesItHasAndBacksOff() throws {
            let starter = FailingThreadStarter(successes: 1)
            let prefix = uniquePrefix("tsl")
            let pool = ThreadPoolExecutor(maxWorkers: 4, threadNamePrefix: prefix)
            defer { pool.shutdown() }
            pool.core.startThreads(with: starter.starter)
            let running = Gate()
            let release = Gate()
            let blocker = try pool.submit {
                running.open()
                return release.wait()
            }
            #expect(running.wait())
            #expect(starter.attempts == 1)

            // The one worker is busy: the next submit tries to start a second thread, which fails; its task
            // queues for the running worker.
            let ran = Counter()
            var futures = [try pool.submit { ran.increment() }]
            #expect(starter.attempts == 2)
            // The pool backs off: the next submits leave their work to the running worker without trying.
            let backOff = PoolStateMachine.submitsBetweenStartAttempts
            for _ in 0..<backOff { futures.append(try pool.submit { ran.increment() }) }
            #expect(starter.attempts == 2, "no start was tried during the back-off")
            // Then it tries again, once.
            futures.append(try pool.submit { ran.increment() })
            #expect(starter.attempts == 3)
            let stats = pool.statistics
            #expect(stats.threads == 1 && stats.threadsStarted == 1, "only the thread that started counts: \(stats)")

            release.open()
            #expect(try blocker.result(timeout: .seconds(10)))
            for future in futures { _ = try future.result(timeout: .seconds(10)) }
            #expect(ran.count == backOff + 2, "the one worker ran every task")
            #expect(pool.statistics.threadsStarted == 1)
            pool.shutdown(wait: true)
            // Joined, so exited; the kernel may list an exited thread in /proc a moment longer.
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        @Test func stateMachineTakesBackAFailedStartAndNumbersTheNextThreadOn() throws {
            var machine = PoolStateMachine(maxWorkers: 2)
            guard case .startThread(0) = try machine.submit(Future<Int>(work: { 0 }).queuedTask) else {
                Issue.record("the first submit starts thread 0")
                return
            }
            let failure = machine.threadDidNotStart(submitted: nil)
            #expect(failure.noWorkers && failure.fail.count == 1 && failure.submitted == nil)
            #expect(machine.liveThreads == 0 && machine.threadsStarted == 0 && machine.queued == 0)
            // The failed start used up its number: the next thread's name is not the failed one's.
            guard case .startThread(1) = try machine.submit(Future<Int>(work: { 0 }).queuedTask) else {
                Issue.record("the next submit starts thread 1")
                return
            }
            #expect(machine.threadsStarted == 1)
        }
    }
}

/// A stand-in for ``PlatformThread/start(name:_:)``: starts real threads for its first `successes` calls,
/// then fails as `pthread_create` does at the process's thread limit (``PlatformThreadStartError/outOfThreads``).
/// Its ``failing`` gate opens when a call that will fail begins; given a `release` gate, the first such
/// call waits for it before failing, so a test can act while the start is under way.
final class FailingThreadStarter: Sendable {
    private let successes: Int
    private let release: Gate?
    private let calls = Atomic<Int>(0)
    /// Opens when a start that will fail is under way.
    let failing = Gate()

    init(successes: Int, holdingTheFirstFailureUntil release: Gate? = nil) {
        self.successes = successes
        self.release = release
    }

    /// Starts tried so far.
    var attempts: Int { calls.load(ordering: .acquiring) }

    /// The starter to give a pool.
    var starter: ThreadStarter {
        { [self] name, body in start(name: name, body) }
    }

    private func start(name: String, _ body: @escaping @Sendable () -> Void) -> Result<
        PlatformThread, PlatformThreadStartError
    > {
        let call = calls.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        if call <= successes { return PlatformThread.start(name: name, body) }
        let first = !failing.isOpen
        failing.open()
        if first { release?.wait() }
        return .failure(.outOfThreads)
    }
}
