import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Futures

@Suite("ThreadPoolExecutor")
struct ThreadPoolTests {
    // MARK: Threads

    @Test func threadsStartLazilyAndIdleOnesAreReused() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 32)
        defer { pool.shutdown() }
        #expect(pool.threadsStarted == 0, "no thread before work arrives")
        for index in 0..<50 {
            #expect(try pool.submit { index }.result() == index)
        }
        #expect(pool.threadsStarted == 1, "one task at a time keeps one thread")
    }

    @Test func neverMoreThanMaxWorkers() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 3)
        let gate = Gate()
        let futures = try (0..<10).map { _ in try pool.submit { gate.wait() } }
        #expect(pool.threadsStarted == 3)
        gate.open()
        for future in futures { _ = try future.result() }
        pool.shutdown()
        #expect(pool.threadsStarted == 3)
    }

    /// Submits arrive faster than threads start: every thread the burst asks for does start.
    @Test func aBurstOfSubmitsStartsEveryThreadItAsksFor() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 12, threadNamePrefix: "burst")
        defer { pool.shutdown() }
        let arrived = Counter()
        let release = Gate()
        let futures = try (0..<12).map { _ in
            try pool.submit {
                _ = arrived.increment()
                _ = release.wait()
                return currentThreadName()
            }
        }
        #expect(arrived.wait(for: 12), "twelve tasks run at once, so twelve threads started")
        release.open()
        let names = Set(try futures.map { try $0.result() })
        #expect(names == Set((0..<12).map { "burst_\($0)" }))
        #expect(pool.statistics.threadsStarted == 12)
    }

    /// A burst of submits to a pool whose workers are all idle: the submitter wakes one and the woken
    /// workers wake the rest (throttled wake-ups), so every idle worker ends up running one of the tasks.
    /// Each task waits until all of them have started, which only happens if none was left asleep.
    @Test(.timeLimit(.minutes(1)))
    func aBurstToIdleWorkersWakesEveryOneOfThem() throws {
        let workers = 16
        let pool = ThreadPoolExecutor(maxWorkers: workers)
        defer { pool.shutdown() }
        // Start every thread (each warm-up task holds its worker until all have one), then let them idle.
        let hold = Gate()
        let arrived = Counter()
        let warmUp = try (0..<workers).map { _ in
            try pool.submit {
                arrived.increment(); hold.wait()
            }
        }
        #expect(arrived.wait(for: workers))
        hold.open()
        for future in warmUp { try future.result(timeout: .seconds(30)) }
        #expect(waitForState(of: pool) { $0.statistics.idleThreads == workers })

        let started = Counter()
        let allStarted = Gate()
        let burst = try (0..<workers).map { _ in
            try pool.submit {
                if started.increment() == workers { allStarted.open() }
                return allStarted.wait(timeout: .seconds(30))
            }
        }
        for future in burst { #expect(try future.result(timeout: .seconds(40)), "every task saw all start") }
        #expect(pool.statistics.threadsStarted == workers, "the idle workers ran the burst; no thread was added")
    }

    /// A worker goes idle just before it completes its task's future and runs the future's callbacks (user
    /// code), so that a caller who submits again at once finds it idle. While it is still in a long
    /// callback, the workers that are parked are woken first: two tasks that each need the other running
    /// start on the two parked workers, not behind the callback.
    @Test(.timeLimit(.minutes(1)))
    func aWorkerStillInACallbackDoesNotHoldBackTheParkedOnes() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 3)
        defer { pool.shutdown() }
        let hold = Gate()
        let arrived = Counter()
        let warmUp = try (0..<3).map { _ in
            try pool.submit {
                arrived.increment(); hold.wait()
            }
        }
        #expect(arrived.wait(for: 3))
        hold.open()
        for future in warmUp { try future.result(timeout: .seconds(30)) }
        #expect(waitForState(of: pool) { $0.statistics.idleThreads == 3 })

        let go = Gate()
        let inCallback = Gate()
        let releaseCallback = Gate()
        defer { releaseCallback.open() }
        let first = try pool.submit { go.wait() }
        first.addDoneCallback { _ in
            inCallback.open()
            releaseCallback.wait()
        }
        go.open()
        #expect(inCallback.wait(timeout: .seconds(30)), "the worker runs the callback")

        let started = Counter()
        let both = Gate()
        let pair = try (0..<2).map { _ in
            try pool.submit {
                if started.increment() == 2 { both.open() }
                return both.wait(timeout: .seconds(20))
            }
        }
        for future in pair {
            #expect(try future.result(timeout: .seconds(30)), "both ran while the third worker was in its callback")
        }
    }

    @Test func defaultMaxWorkers() {
        let expected = min(32, ProcessInfo.processInfo.activeProcessorCount + 4)
        #expect(ThreadPoolExecutor.defaultMaxWorkers == expected)
        #expect(ThreadPoolExecutor().maxWorkers == expected)
    }

    @Test func threadsAreNamed() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: "io")
        defer { pool.shutdown() }
        #expect(try pool.submit { currentThreadName() }.result() == "io_0")
    }

    @Test func defaultNameKeepsThePoolAndThreadNumbersWithinThePlatformLimit() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let name = try pool.submit { currentThreadName() }.result()
        #expect(name.utf8.count <= PlatformThread.maxNameBytes)
        let word = name.wholeMatch(of: /([A-Za-z]+)-\d+_0/)?.1 ?? ""
        #expect(!word.isEmpty && "ThreadPoolExecutor".hasPrefix(word), "got \(name)")
        // Linux keeps 15 bytes, Darwin 63.
        #expect(WorkerThread.name(prefix: "ThreadPoolExecutor-12", number: 3, limit: 15) == "ThreadPool-12_3")
        #expect(WorkerThread.name(prefix: "ThreadPoolExecutor-12", number: 3, limit: 63) == "ThreadPoolExecutor-12_3")
        #expect(WorkerThread.name(prefix: "ThreadPoolExecutor-1234", number: 567, limit: 15) == "Thread-1234_567")
        #expect(WorkerThread.name(prefix: "AVeryLongPoolPrefix", number: 3, limit: 15) == "AVeryLongPool_3")
        #expect(WorkerThread.name(prefix: "AVeryLongPoolPrefix", number: 3, limit: 63) == "AVeryLongPoolPrefix_3")
        #expect(WorkerThread.name(prefix: "short", number: 12, limit: 15) == "short_12")
        // A number too long to keep with any of the word is cut like any prefix.
        #expect(WorkerThread.name(prefix: "Pool-123456789012", number: 1, limit: 15) == "Pool-12345678_1")
    }

    // MARK: Initializer

    @Test func initializerRunsOncePerWorkerBeforeItsFirstTask() throws {
        let initialized = Counter()
        let pool = ThreadPoolExecutor(maxWorkers: 2, initializer: { initialized.increment() })
        let gate = Gate()
        let futures = try (0..<6).map { _ in try pool.submit { initialized.count } }
        _ = try pool.submit { gate.wait() }
        gate.open()
        for future in futures { #expect(try future.result() >= 1) }
        pool.shutdown()
        #expect(initialized.count == pool.threadsStarted)
    }

    @Test func failingInitializerBreaksThePool() throws {
        let queued = Gate()
        let pool = ThreadPoolExecutor(
            maxWorkers: 1,
            initializer: {
                queued.wait()  // fail only once every task is queued
                throw TestError(tag: 42)
            })
        let futures = try (0..<5).map { index in try pool.submit { index } }
        queued.open()
        for future in futures {
            #expect {
                try future.result(timeout: .seconds(30))
            } throws: { error in
                guard case ExecutorError.broken(let message) = error else { return false }
                return message.contains("TestError(42)")
            }
        }
        #expect {
            try pool.submit { 1 }
        } throws: { error in
            if case ExecutorError.broken = error { return true }
            return false
        }
        pool.shutdown(wait: true)
    }

    // MARK: Errors

    @Test func taskErrorsAreStoredNotLost() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let failing = try pool.submit { () throws -> Int in throw TestError(tag: 1) }
        let next = try pool.submit { 2 }
        #expect(throws: TestError(tag: 1)) { try failing.result() }
        #expect(try next.result() == 2, "the worker survived the error")
    }

    // MARK: Shutdown

    @Test func submitAfterShutdownThrows() {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        pool.shutdown()
        #expect(throws: ExecutorError.shutDown) { try pool.submit { 1 } }
        pool.shutdown()  // idempotent
        pool.shutdown(wait: false, cancelFutures: true)
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func shutdownCombinations(wait: Bool, cancelFutures: Bool) throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate(), release = Gate()
        let running = try pool.submit {
            started.open(); release.wait(); return 0
        }
        let queued = try (1...5).map { index in try pool.submit { index } }
        started.wait()
        let callbacks = Counter()
        queued.forEach { $0.addDoneCallback { _ in callbacks.increment() } }
        if wait {
            // Shutdown waits for the running task: release it from another thread, and with
            // cancelFutures only once shutdown has cancelled the queue (the first cancellation's callback).
            if cancelFutures {
                queued[0].addDoneCallback { _ in release.open() }
            } else {
                DispatchQueue.global().async { release.open() }
            }
        }
        pool.shutdown(wait: wait, cancelFutures: cancelFutures)
        if cancelFutures {
            let allCancelled = queued.allSatisfy { $0.isCancelled }
            #expect(allCancelled, "queued work is cancelled before shutdown returns")
            #expect(callbacks.count == 5, "and its callbacks have run")
        }
        if wait {
            #expect(running.state == .finished)
            #expect(pool.liveThreads == 0, "every worker has exited")
            let allFinished = queued.allSatisfy { $0.state == .finished }
            if !cancelFutures { #expect(allFinished) }
        }
        release.open()
        #expect(try running.result() == 0)
        if !cancelFutures {
            for (offset, future) in queued.enumerated() { #expect(try future.result() == offset + 1) }
        }
    }

    @Test func shutdownFromInsideATaskDoesNotDeadlock() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let inner = try pool.submit { [pool] in
            pool.shutdown(wait: true)
            return "returned"
        }
        #expect(try inner.result(timeout: .seconds(30)) == "returned")
        pool.shutdown(wait: true)
        #expect(pool.liveThreads == 0)
    }

    @Test func releasedPoolFinishesItsWorkAndItsThreadsExit() throws {
        // Counted by name: other tests run in parallel and start threads of their own.
        var futures: [Future<Int>] = []
        do {
            let pool = ThreadPoolExecutor(maxWorkers: 4, threadNamePrefix: "released")
            futures = try (0..<100).map { index in try pool.submit { index * 2 } }
        }
        for (index, future) in futures.enumerated() { #expect(try future.result(timeout: .seconds(30)) == index * 2) }
        #expect(eventually { threadCount(namedWithPrefix: "released_") == 0 }, "the released pool's threads exit")
    }

    // MARK: Waiting from a worker

    @Test func workerWaitingOnItsOwnQueuedWorkRunsIt() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let outer = try pool.submit { [pool] () throws -> Int in
            let inner = try pool.submit { 21 }
            return try inner.result() * 2
        }
        #expect(try outer.result(timeout: .seconds(30)) == 42)
    }

    @Test func workerWaitingOnManyOfItsOwnFuturesRunsThem() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let outer = try pool.submit { [pool] () throws -> Int in
            let inner = try (1...4).map { index in try pool.submit { index } }
            let (done, notDone) = wait(inner)
            #expect(notDone.isEmpty)
            var total = 0
            for future in asCompleted(inner) { total += try future.result() }
            return total + done.count
        }
        #expect(try outer.result(timeout: .seconds(30)) == 14)
    }

    // MARK: Scoped

    @Test func scopedExecutorShutsDownAlsoWhenTheBodyThrows() throws {
        var captured: ThreadPoolExecutor?
        #expect(throws: TestError(tag: 5)) {
            try withThreadPoolExecutor(maxWorkers: 2) { pool in
                captured = pool
                _ = try pool.submit { 1 }
                throw TestError(tag: 5)
            }
        }
        let pool = try #require(captured)
        #expect(throws: ExecutorError.shutDown) { try pool.submit { 1 } }
        #expect(pool.liveThreads == 0)
    }

    /// In async code the async scoped executor is chosen also for a body that does not await.
    @Test func asyncScopedExecutorTakesABodyThatDoesNotAwait() async throws {
        let future = try await withThreadPoolExecutor(maxWorkers: 1) { pool in try pool.submit { 3 } }
        #expect(try await future.value == 3)
    }

    @Test func asyncScopedExecutorShutsDown() async throws {
        var captured: ThreadPoolExecutor?
        let value = try await withThreadPoolExecutor(maxWorkers: 2) { pool in
            captured = pool
            return try await pool.submit { 7 }.value
        }
        #expect(value == 7)
        let pool = try #require(captured)
        #expect(pool.liveThreads == 0)
    }
}
