import Foundation
import Testing

@testable import Futures

/// Issue 18, item 2: per-worker state (`WorkerLocal`) and `maxTasksPerWorker`.
@Suite struct WorkerLocalTests {
    /// A value with an identity, and a record of where it was made and cleaned up.
    final class Resource: Sendable {
        let id: Int
        let madeOn: String
        init(id: Int) {
            self.id = id
            madeOn = currentThreadName()
        }
    }

    /// A `WorkerLocal<Resource>` that counts what its factory made and what its cleanup closed.
    final class Tracked: Sendable {
        let made: Counter
        let closed: Counter
        let events: Recorder<String>
        let local: WorkerLocal<Resource>

        init(name: String = "r") {
            let made = Counter(), closed = Counter(), events = Recorder<String>()
            self.made = made
            self.closed = closed
            self.events = events
            local = WorkerLocal {
                let resource = Resource(id: made.increment())
                events.append("made \(name)\(resource.id) on \(resource.madeOn)")
                return resource
            } cleanup: { resource in
                events.append("closed \(name)\(resource.id) on \(currentThreadName())")
                closed.increment()
            }
        }
    }

    // MARK: One value per worker

    @Test func eachWorkerMakesItsOwnValueOnceAndKeepsIt() throws {
        let tracked = Tracked()
        let pool = ThreadPoolExecutor(maxWorkers: 3, threadNamePrefix: "wl-each")
        let allStarted = Counter()
        let allIn = Gate()
        let release = Gate()
        // Three tasks held at once: three workers, each reads its value twice.
        let futures = try (0..<3).map { _ in
            try pool.submit { () throws -> [Int] in
                let first = try tracked.local.value.id
                if allStarted.increment() == 3 { allIn.open() }
                release.wait()
                return [first, try tracked.local.value.id, try tracked.local.withValue { $0.id }]
            }
        }
        #expect(allIn.wait())
        release.open()
        let ids = try futures.map { try $0.result() }
        #expect(ids.allSatisfy { Set($0).count == 1 }, "a worker sees the same value every time: \(ids)")
        #expect(Set(ids.map { $0[0] }).count == 3, "workers never share a value")
        #expect(tracked.made.count == 3)
        #expect(tracked.closed.count == 0, "kept while the workers live")
        pool.shutdown(wait: true)
        #expect(tracked.closed.count == 3, "shutdown(wait: true) returns after every cleanup")
    }

    @Test func theCleanupRunsOnTheWorkerBeforeTheExitHook() throws {
        let tracked = Tracked()
        let pool = ThreadPoolExecutor(
            maxWorkers: 1, threadNamePrefix: "wl-order",
            configuration: .init(hooks: .init(workerExiting: { name in tracked.events.append("exiting \(name)") })))
        _ = try pool.submit { try tracked.local.value.id }.result()
        pool.shutdown()
        #expect(tracked.events.values == ["made r1 on wl-order_0", "closed r1 on wl-order_0", "exiting wl-order_0"])
    }

    @Test func aValueNeverReadIsNeverMade() throws {
        let tracked = Tracked()
        try withThreadPoolExecutor(maxWorkers: 2) { pool in
            _ = try pool.map(1...10) { $0 }
        }
        #expect(tracked.made.count == 0 && tracked.closed.count == 0)
    }

    @Test func withValueChangesPersistOnTheWorker() throws {
        let counter = WorkerLocal { 0 }
        let counts = try withThreadPoolExecutor(maxWorkers: 1) { pool in
            try (0..<5).map { _ in
                try pool.submit {
                    try counter.withValue { count -> Int in
                        count += 1; return count
                    }
                }
            }
            .map { try $0.result() }
        }
        #expect(counts == [1, 2, 3, 4, 5])
    }

    @Test func valuesAreCleanedUpNewestFirst() throws {
        let events = Recorder<String>()
        let base = WorkerLocal {
            "base"
        } cleanup: {
            events.append("closed \($0)")
        }
        let derived = WorkerLocal {
            try base.value + "+derived"
        } cleanup: {
            events.append("closed \($0)")
        }
        let value = try withThreadPoolExecutor(maxWorkers: 1) { pool in try pool.submit { try derived.value }.result() }
        #expect(value == "base+derived")
        #expect(events.values == ["closed base+derived", "closed base"], "a value made from another goes first")
    }

    // MARK: Worker exits: keep-alive, a dropped pool

    @Test func theCleanupRunsWhenAKeepAliveRetiresTheWorker() throws {
        let tracked = Tracked()
        let exited = Gate()
        let pool = ThreadPoolExecutor(
            maxWorkers: 1,
            configuration: .init(keepAlive: .milliseconds(10), hooks: .init(workerExiting: { _ in exited.open() })))
        defer { pool.shutdown() }
        _ = try pool.submit { try tracked.local.value.id }.result()
        #expect(exited.wait(), "the idle worker retired")
        #expect(tracked.closed.count == 1, "its cleanup ran before its exit hook")
    }

    @Test func theCleanupRunsWhenThePoolIsReleasedWithoutShutdown() throws {
        let tracked = Tracked()
        let exited = Gate()
        do {
            let pool = ThreadPoolExecutor(
                maxWorkers: 1, configuration: .init(hooks: .init(workerExiting: { _ in exited.open() })))
            _ = try pool.submit { try tracked.local.value.id }
        }
        #expect(exited.wait(), "the released pool's worker exited")
        #expect(tracked.made.count == 1 && tracked.closed.count == 1)
    }

    // MARK: A factory that throws

    @Test func aFactoryThatThrowsFailsTheReadNotTheWorker() throws {
        struct NoConnection: Error, Equatable {}
        let attempts = Counter()
        let connection = WorkerLocal { () throws -> Int in
            if attempts.increment() == 1 { throw NoConnection() }
            return 42
        }
        try withThreadPoolExecutor(maxWorkers: 1) { pool in
            let first = try pool.submit { try connection.value }
            #expect(throws: NoConnection()) { try first.result() }
            #expect(try pool.submit { 7 }.result() == 7, "the worker goes on")
            #expect(try pool.submit { try connection.value }.result() == 42, "the next read calls the factory again")
            #expect(pool.statistics.threadsStarted == 1)
        }
        #expect(attempts.count == 2)
    }

    @Test func aFactoryThatReadsItsOwnWorkerLocalThrows() throws {
        let holder = Locked<WorkerLocal<Int>?>(nil)
        let local = WorkerLocal { () throws -> Int in try holder.withLock { $0 }!.value + 1 }
        holder.withLock { $0 = local }
        // The factory reaches the local through the holder, which holds the local: break that cycle at the
        // end, or LeakSanitizer reports the two objects (the test's leak, not the library's).
        defer { holder.withLock { $0 = nil } }
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        #expect(throws: WorkerLocalError.recursiveFactory) { try pool.submit { try local.value }.result() }
    }

    // MARK: Off a worker

    @Test func offAWorkerValueThrowsAndWithValueMakesAValueForTheCall() throws {
        let tracked = Tracked()
        #expect(throws: WorkerLocalError.notOnWorker) { try tracked.local.value }
        let id = try tracked.local.withValue { $0.id }
        #expect(id == 1)
        #expect(tracked.made.count == 1 && tracked.closed.count == 1, "made for the call and cleaned up after it")
    }

    @Test func inAsyncCodeValueThrowsAndWithValueMakesAValueForTheCall() async throws {
        let tracked = Tracked()
        #expect(throws: WorkerLocalError.notOnWorker) { try tracked.local.value }
        _ = try tracked.local.withValue { $0.id }
        #expect(tracked.closed.count == 1)
    }

    @Test func aSwiftTaskStartedInAPoolTaskIsNotOnTheWorker() async throws {
        let tracked = Tracked()
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        // The task inherits the worker's binding but runs on another thread: it must not touch its values.
        let inner = try await pool.submit { () throws -> Task<Int, any Error> in
            _ = try tracked.local.value
            return Task { try tracked.local.value.id }
        }.value
        await #expect(throws: WorkerLocalError.notOnWorker) { try await inner.value }
        #expect(tracked.made.count == 1)
        await pool.shutdown()
    }

    @Test func aTaskRunOnTheCallerGetsAValueMadeAndCleanedUpForIt() throws {
        let tracked = Tracked()
        let pool = ThreadPoolExecutor(
            maxWorkers: 1, threadNamePrefix: "wl-caller", configuration: .init(maxQueued: 1, whenFull: .runOnCaller))
        defer { pool.shutdown() }
        let started = Gate()
        let release = Gate()
        _ = try pool.submit {
            started.open(); release.wait()
        }
        #expect(started.wait())
        _ = try pool.submit { 0 }  // fills the queue
        let onCaller = try pool.submit { () throws -> String in try tracked.local.value.madeOn }
        #expect(onCaller.state == .finished, "ran on this thread")
        #expect(try onCaller.result() == currentThreadName())
        #expect(tracked.made.count == 1 && tracked.closed.count == 1, "cleaned up before submit returned")
        release.open()
    }

    // MARK: maxTasksPerWorker

    @Test func aWorkerRetiresAfterMaxTasksAndAReplacementTakesTheQueue() throws {
        let tracked = Tracked()
        let initialized = Counter()
        let started = Counter()
        let exiting = Counter()
        let pool = ThreadPoolExecutor(
            maxWorkers: 1, threadNamePrefix: "wl-max", initializer: { initialized.increment() },
            configuration: .init(
                hooks: .init(workerStarted: { _ in started.increment() }, workerExiting: { _ in exiting.increment() }),
                maxTasksPerWorker: 2))
        let release = Gate()
        let first = try pool.submit {
            release.wait(); return currentThreadName()
        }
        let rest = try (0..<5).map { _ in
            try pool.submit { () throws -> String in
                _ = try tracked.local.value; return currentThreadName()
            }
        }
        release.open()
        let names = try [first.result()] + rest.map { try $0.result() }
        pool.shutdown(wait: true)
        #expect(names == ["wl-max_0", "wl-max_0", "wl-max_1", "wl-max_1", "wl-max_2", "wl-max_2"])
        #expect(pool.threadsStarted == 3)
        #expect(started.count == 3 && initialized.count == 3 && exiting.count == 3, "each replacement is a new worker")
        #expect(tracked.made.count == 3 && tracked.closed.count == 3, "each retiring worker cleaned up")
        #expect(pool.statistics.completed == 6)
    }

    @Test func aWorkerRetiringWithNothingQueuedIsReplacedByTheNextSubmit() throws {
        let exited = Gate()
        let pool = ThreadPoolExecutor(
            maxWorkers: 1,
            configuration: .init(hooks: .init(workerExiting: { _ in exited.open() }), maxTasksPerWorker: 1))
        defer { pool.shutdown() }
        #expect(try pool.submit { 1 }.result() == 1)
        #expect(exited.wait())
        #expect(pool.statistics.threads == 0, "the retired worker left the count before its exit hook")
        #expect(try pool.submit { 2 }.result() == 2)
        #expect(pool.threadsStarted == 2)
    }

    @Test func cancelledTasksDoNotCountTowardsTheLimit() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1, configuration: .init(maxTasksPerWorker: 2))
        defer { pool.shutdown() }
        let release = Gate()
        let first = try pool.submit {
            release.wait(); return currentThreadName()
        }
        let cancelled = try pool.submit { "never" }
        let second = try pool.submit { currentThreadName() }
        #expect(cancelled.cancel())
        release.open()
        #expect(try first.result() == second.result(), "the cancelled task did not use up the worker")
    }

    @Test func shutdownWaitsForRetiringWorkersCleanups() throws {
        let closed = Counter()
        let made = Counter()
        // The pause widens the window in which shutdown(wait: true) would return too early.
        let local = WorkerLocal {
            made.increment()
        } cleanup: { _ in
            usleep(2_000); closed.increment()
        }
        let pool = ThreadPoolExecutor(maxWorkers: 2, configuration: .init(maxTasksPerWorker: 1))
        let futures = try (0..<20).map { _ in try pool.submit { try local.value } }
        pool.shutdown(wait: true)
        #expect(futures.allSatisfy { $0.state == .finished })
        #expect(made.count == 20 && closed.count == 20)
        try pool.awaitTermination(timeout: .seconds(10))
        #expect(pool.isTerminated)
    }

    @Test func maxTasksPerWorkerUnderLoadRunsEverything() throws {
        let count = Counter()
        try withThreadPoolExecutor(maxWorkers: 4, configuration: .init(maxTasksPerWorker: 3)) { pool in
            let results = try pool.map(0..<500, chunkSize: 1) { n -> Int in
                count.increment(); return n * 2
            }
            #expect(results == (0..<500).map { $0 * 2 })
            #expect(pool.threadsStarted >= 500 / 3)
        }
        #expect(count.count == 500)
    }

    @Test("maxTasksPerWorker < 1 stops the program with a message naming it")
    func maxTasksPerWorkerZero() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ThreadPoolExecutor(maxWorkers: 1, configuration: .init(maxTasksPerWorker: 0))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("maxTasksPerWorker") && message.contains("0"), "stderr: \(message)")
    }
}
