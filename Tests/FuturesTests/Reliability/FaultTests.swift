import Foundation
import Futures
import Synchronization
import Testing

/// Faults: tasks that throw, initializers that throw, callbacks that call back into the pool, shutdown
/// from inside the pool, a pool released with work queued. None may crash, hang or lose a future.
///
/// Callbacks that *throw* are not tested: `addDoneCallback` takes a non-throwing closure, so the compiler
/// rules them out.
extension Reliability {
    @Suite("Faults", .serialized)
    struct FaultTests {
        // MARK: Tasks that throw

        @Test("A throwing task stores its own error and the worker goes on")
        func throwingTasks() throws {
            let prefix = uniquePrefix("ft")
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: prefix)
            let futures = try (0..<100).map { index in
                try pool.submit { () throws -> Int in
                    if index % 2 == 0 { throw TestError(tag: index) }
                    return index
                }
            }
            for (index, future) in futures.enumerated() {
                if index % 2 == 0 {
                    #expect(throws: TestError(tag: index)) { try future.result(timeout: .seconds(30)) }
                    #expect(try future.error(timeout: .seconds(30)) as? TestError == TestError(tag: index))
                } else {
                    #expect(try future.result(timeout: .seconds(30)) == index)
                    #expect(try future.error(timeout: .seconds(30)) == nil)
                }
                #expect(future.state == .finished)
            }
            pool.shutdown()
            // Joined, so exited; the kernel may list an exited thread in /proc a moment longer.
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        @Test("A task's error reaches async waiters as is")
        func throwingTaskAsync() async throws {
            try await withThreadPoolExecutor(maxWorkers: 2) { pool in
                let future = try pool.submit { () throws -> Int in throw TestError(tag: 7) }
                await #expect(throws: TestError(tag: 7)) { try await future.value }
            }
        }

        @Test("map rethrows the first failure in input order and cancels what has not started")
        func mapFailure() throws {
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: uniquePrefix("fm"))
            defer { pool.shutdown() }
            let started = Recorder<Int>()
            let release = Gate()
            #expect(throws: TestError(tag: 3)) {
                try pool.map(0..<200, chunkSize: 1) { item in
                    started.append(item)
                    if item == 3 || item == 5 { throw TestError(tag: item) }
                    // Usually holds the only worker until map has seen item 3 fail and cancelled the rest.
                    if item == 4 { release.wait() }
                    return item
                }
            }
            release.open()
            pool.shutdown()
            // Whether item 4 starts before map, woken by item 3's failure, cancels it is a race between the
            // worker and the caller. Either way every item map had not started when it cancelled is cancelled.
            let ran = started.values
            #expect(Array(ran.prefix(4)) == [0, 1, 2, 3], "the items up to the first failure ran, in order")
            if ran.contains(4) {
                #expect(ran == [0, 1, 2, 3, 4], "item 4 held the worker until map had cancelled the 195 after it")
            }
            #expect(ran.count < 200, "map cancelled what had not started")
            #expect(pool.statistics.cancelled == 200 - ran.count, "every item that did not run was cancelled")
        }

        // MARK: Initializers that throw

        @Test("An initializer that throws on the first worker breaks the pool; no future is lost")
        func initializerFailsFirst() throws {
            let prefix = uniquePrefix("fi")
            let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: prefix) { throw TestError(tag: 1) }
            var futures: [Future<Int>] = []
            var refused = 0
            for index in 0..<20 {
                do {
                    futures.append(try pool.submit { index })
                } catch ExecutorError.broken(let message) {
                    #expect(message.contains("TestError(1)"), "the message names the initializer's error: \(message)")
                    refused += 1
                }
            }
            #expect(!futures.isEmpty || refused == 20)
            let (_, notDone) = wait(futures, timeout: .seconds(30))
            #expect(notDone.isEmpty, "every future ended")
            for future in futures {
                #expect(future.state == .finished)
                guard case ExecutorError.broken(let message)? = try future.error(timeout: .zero) as? ExecutorError
                else {
                    Issue.record("a task ran although no worker was initialized")
                    continue
                }
                #expect(message.contains("TestError(1)"))
            }
            #expect(throws: ExecutorError.self) { try pool.submit { 0 } }
            pool.shutdown()
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        @Test(
            "An initializer that throws on the n-th worker: started work finishes, the rest fails", arguments: [2, 3])
        func initializerFailsNth(failing: Int) throws {
            let prefix = uniquePrefix("fn")
            let started = Counter()
            let pool = ThreadPoolExecutor(maxWorkers: 4, threadNamePrefix: prefix) {
                if started.increment() == failing { throw TestError(tag: failing) }
            }
            let release = Gate()
            let running = Counter()
            // Each task holds its worker until released, so every submit starts a new worker.
            var futures: [Future<Int>] = []
            for index in 0..<4 {
                do {
                    futures.append(
                        try pool.submit {
                            running.increment()
                            release.wait()
                            return index
                        })
                } catch {
                    #expect(error is ExecutorError)
                }
            }
            // The failing worker breaks the pool; everything queued fails at once.
            #expect(started.wait(for: failing), "the n-th worker started")
            #expect(waitForShutdown(of: pool), "the pool breaks")
            #expect((try? pool.submit { -1 }) == nil, "a broken pool refuses work")
            release.open()
            let (_, notDone) = wait(futures, timeout: .seconds(30))
            #expect(notDone.isEmpty, "every future ended")
            var values = 0
            var broken = 0
            for future in futures {
                switch Result(catching: { try future.result(timeout: .zero) }) {
                case .success: values += 1
                case .failure(ExecutorError.broken): broken += 1
                case .failure(let error): Issue.record("unexpected \(error)")
                }
            }
            #expect(values == running.count, "exactly the tasks that started have values")
            #expect(values + broken == futures.count)
            #expect(throws: ExecutorError.self) { try pool.submit { 0 } }
            pool.shutdown()
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        // MARK: Callbacks that call back into the pool

        @Test("A callback may submit to the pool it runs on")
        func callbackSubmits() throws {
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: uniquePrefix("fc"))
            let inner = Mutex<Future<Int>?>(nil)
            let submitted = Gate()
            let gate = Gate()
            let first = try pool.submit {
                gate.wait(); return 1
            }
            first.addDoneCallback { _ in
                inner.withLock { $0 = try? pool.submit { 2 } }
                submitted.open()
            }
            gate.open()
            #expect(try first.result(timeout: .seconds(30)) == 1)
            #expect(submitted.wait())
            let second = try #require(inner.withLock { $0 })
            #expect(try second.result(timeout: .seconds(30)) == 2)
            pool.shutdown()
        }

        @Test("A callback on a worker may wait on another future of the same pool (pool of one)")
        func callbackWaitsOnPool() throws {
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: uniquePrefix("fw"))
            defer { pool.shutdown() }
            let gate = Gate()
            let first = try pool.submit {
                gate.wait(); return 1
            }
            let second = try pool.submit { 2 }
            let seen = Mutex<Int?>(nil)
            // Runs on the only worker when `first` finishes; `second` is still queued behind it, so the
            // worker must run it itself rather than deadlock.
            let done = Gate()
            first.addDoneCallback { _ in
                seen.withLock { $0 = try? second.result() }
                done.open()
            }
            gate.open()
            #expect(try second.result(timeout: .seconds(30)) == 2)
            #expect(done.wait())
            #expect(seen.withLock { $0 } == 2)
        }

        @Test("A callback may shut the pool down, waiting or not", arguments: [false, true])
        func callbackShutsDown(wait: Bool) throws {
            let prefix = uniquePrefix("fs")
            let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: prefix)
            let gate = Gate()
            let first = try pool.submit {
                gate.wait(); return 1
            }
            let queued = try (0..<10).map { index in try pool.submit { index } }
            let shutDown = Gate()
            first.addDoneCallback { _ in
                pool.shutdown(wait: wait, cancelFutures: false)
                shutDown.open()
            }
            gate.open()
            #expect(shutDown.wait(timeout: .seconds(30)), "shutdown from a callback returned")
            #expect(throws: ExecutorError.shutDown) { try pool.submit { 0 } }
            let (_, notDone) = Futures.wait(queued + [first], timeout: .seconds(30))
            #expect(notDone.isEmpty)
            #expect(queued.allSatisfy { $0.state == .finished }, "queued work still ran")
            pool.shutdown()
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        @Test("Callbacks run by shutdown(cancelFutures: true) may call shutdown and submit again")
        func callbackOfCancelledReentersShutdown() throws {
            let prefix = uniquePrefix("fr")
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: prefix)
            let gate = Gate()
            let started = Gate()
            let blocker = try pool.submit {
                started.open(); gate.wait(); return 0
            }
            started.wait()
            let submitErrors = Recorder<String>()
            let queued = try (0..<10).map { index in try pool.submit { index } }
            for future in queued {
                future.addDoneCallback { done in
                    #expect(done.isCancelled)
                    pool.shutdown(wait: false, cancelFutures: true)  // re-entrant: no lock is held
                    do {
                        _ = try pool.submit { -1 }
                        submitErrors.append("accepted")
                    } catch {
                        submitErrors.append("\(error)")
                    }
                }
            }
            pool.shutdown(wait: false, cancelFutures: true)
            #expect(queued.allSatisfy { $0.isCancelled })
            #expect(submitErrors.values == Array(repeating: "\(ExecutorError.shutDown)", count: 10))
            gate.open()
            #expect(try blocker.result(timeout: .seconds(30)) == 0)
            pool.shutdown()
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        @Test("A callback added to a cancelled future runs at once and may use the pool")
        func callbackOnCancelled() throws {
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: uniquePrefix("fa"))
            defer { pool.shutdown() }
            let gate = Gate()
            let blocker = try pool.submit {
                gate.wait(); return 0
            }
            let queued = try pool.submit { 1 }
            #expect(queued.cancel())
            gate.open()
            #expect(try blocker.result(timeout: .seconds(30)) == 0)
            let result = Mutex<Int?>(nil)
            // Runs on this thread before addDoneCallback returns.
            queued.addDoneCallback { _ in result.withLock { $0 = try? pool.submit { 5 }.result(timeout: .seconds(30)) }
            }
            #expect(result.withLock { $0 } == 5)
        }

        // MARK: Shutdown from inside the pool

        @Test("A task may shut down its own pool", arguments: [false, true], [false, true])
        func shutdownFromTask(wait: Bool, cancelFutures: Bool) throws {
            let prefix = uniquePrefix("fk")
            let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: prefix)
            let otherStarted = Gate()
            let release = Gate()
            let other = try pool.submit {
                otherStarted.open(); release.wait(); return 1
            }
            otherStarted.wait()
            let returned = Gate()
            let go = Gate()
            let stopper = try pool.submit {
                go.wait()
                pool.shutdown(wait: wait, cancelFutures: cancelFutures)
                returned.open()
                return 2
            }
            let queued = try (0..<5).map { index in try pool.submit { index } }
            go.open()
            // The other worker is held; with `wait: true` the stopper waits for it.
            #expect(waitForShutdown(of: pool), "the shutdown took effect")
            #expect((try? pool.submit { 0 }) == nil, "a submit after it is refused")
            if !wait { #expect(returned.wait(timeout: .seconds(30))) }
            release.open()
            #expect(returned.wait(timeout: .seconds(30)), "shutdown from a task returned")
            #expect(try stopper.result(timeout: .seconds(30)) == 2)
            #expect(try other.result(timeout: .seconds(30)) == 1)
            let (_, notDone) = Futures.wait(queued, timeout: .seconds(30))
            #expect(notDone.isEmpty, "no queued future lost")
            for future in queued {
                #expect(future.state == .finished || (cancelFutures && future.state == .cancelled))
            }
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        @Test("Two tasks shutting down with wait: true wait for each other without deadlock")
        func twoTasksShutDown() throws {
            let prefix = uniquePrefix("f2")
            let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: prefix)
            let arrived = Counter()
            let bothIn = Gate()
            let futures = try (0..<2).map { index in
                try pool.submit {
                    if arrived.increment() == 2 { bothIn.open() }
                    bothIn.wait()
                    pool.shutdown(wait: true, cancelFutures: false)
                    return index
                }
            }
            let (_, notDone) = wait(futures, timeout: .seconds(30))
            #expect(notDone.isEmpty)
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        @Test("shutdown(wait: true) from a pool of one's only task returns")
        func shutdownFromOnlyWorker() throws {
            let prefix = uniquePrefix("f1")
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: prefix)
            let future = try pool.submit {
                pool.shutdown(); return 1
            }
            #expect(try future.result(timeout: .seconds(30)) == 1)
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        // MARK: A pool released with work queued

        @Test("A pool released while work is queued runs it, then its threads exit")
        func releasedWithQueuedWork() throws {
            let prefix = uniquePrefix("fd")
            let gate = Gate()
            weak var weakPool: ThreadPoolExecutor?
            var futures: [Future<Int>] = []
            do {
                let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: prefix)
                weakPool = pool
                futures.append(
                    try pool.submit {
                        gate.wait(); return -1
                    })
                for index in 0..<50 { futures.append(try pool.submit { index }) }
            }
            #expect(weakPool == nil, "nothing but the caller holds the pool")
            gate.open()
            let (_, notDone) = wait(futures, timeout: .seconds(30))
            #expect(notDone.isEmpty, "queued work was not lost")
            #expect(futures.allSatisfy { $0.state == .finished })
            #expect(try futures.last?.result(timeout: .zero) == 49)
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 }, "no thread leaked")
        }

        @Test("A task may wait on a future of a pool that was released")
        func releasedPoolWaitedFromOtherPool() throws {
            let prefix = uniquePrefix("fo")
            var inner: Future<Int>?
            do {
                let dropped = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: prefix)
                inner = try dropped.submit { 41 }
            }
            let future = try #require(inner)
            let value = try withThreadPoolExecutor(maxWorkers: 1) { pool in
                try pool.submit { try future.result() + 1 }.result(timeout: .seconds(30))
            }
            #expect(value == 42)
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }
    }
}
