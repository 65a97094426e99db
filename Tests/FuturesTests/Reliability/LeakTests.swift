import Foundation
import Futures
import Synchronization
import Testing

/// Leaks: a future drops its work closure (and everything the closure captured) as soon as it no longer
/// needs it — when the work has run, when it is cancelled, when shutdown cancels it, when a broken pool
/// fails it — and drops its callbacks once they have run. Every captured object is counted by a
/// ``LifetimeTracker`` whose live count must come back to zero while the future itself is still held.
extension Reliability {
    @Suite("Leaks", .serialized)
    struct LeakTests {
        @Test("A finished future releases its closure and captured values")
        func finishedReleasesClosure() throws {
            let tracker = LifetimeTracker()
            let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: uniquePrefix("lf"))
            defer { pool.shutdown() }
            var futures: [Future<Int>] = []
            for index in 0..<20 {
                let captured = tracker.instance()
                futures.append(
                    try pool.submit {
                        captured.touch(); return index
                    })
            }
            #expect(tracker.madeCount == 20)
            for (index, future) in futures.enumerated() { #expect(try future.result(timeout: .seconds(30)) == index) }
            // The worker lets go of the closure just after it completes the future.
            #expect(eventually { tracker.liveCount == 0 }, "\(tracker.liveCount) captured objects still alive")
            #expect(futures.count == 20, "the futures are still held")
        }

        @Test("A future whose work threw releases its closure")
        func failedReleasesClosure() throws {
            let tracker = LifetimeTracker()
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: uniquePrefix("lt"))
            defer { pool.shutdown() }
            let captured = tracker.instance()
            let future = try pool.submit { () throws -> Int in
                captured.touch()
                throw TestError(tag: 1)
            }
            _ = consume captured
            #expect(throws: TestError(tag: 1)) { try future.result(timeout: .seconds(30)) }
            #expect(eventually { tracker.liveCount == 0 })
            #expect(future.isDone)
        }

        @Test("A cancelled future releases its closure before cancel() returns")
        func cancelledReleasesClosure() throws {
            let tracker = LifetimeTracker()
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: uniquePrefix("lc"))
            defer { pool.shutdown() }
            let gate = Gate()
            let blocker = try pool.submit {
                gate.wait(); return 0
            }
            var queued: [Future<Int>] = []
            for index in 0..<10 {
                let captured = tracker.instance()
                queued.append(
                    try pool.submit {
                        captured.touch(); return index
                    })
            }
            #expect(tracker.liveCount == 10)
            for future in queued { #expect(future.cancel()) }
            // Still in the pool's queue, but no longer holding the work.
            #expect(tracker.liveCount == 0, "\(tracker.liveCount) captured objects still alive after cancel()")
            gate.open()
            _ = try blocker.result(timeout: .seconds(30))
        }

        @Test(
            "shutdown(cancelFutures: true) releases the closures of the futures it cancels", arguments: [false, true])
        func shutdownCancelReleasesClosures(wait: Bool) throws {
            let tracker = LifetimeTracker()
            let prefix = uniquePrefix("ls")
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: prefix)
            let started = Gate()
            let gate = Gate()
            let blocker = try pool.submit {
                started.open(); gate.wait(); return 0
            }
            var queued: [Future<Int>] = []
            for index in 0..<10 {
                let captured = tracker.instance()
                queued.append(
                    try pool.submit {
                        captured.touch(); return index
                    })
            }
            started.wait()
            if wait {
                // shutdown(wait: true) blocks on the running blocker: release it from another thread once
                // the queue has been cancelled.
                let cancelled = Counter()
                for future in queued { future.addDoneCallback { _ in cancelled.increment() } }
                let count = queued.count
                Thread {
                    _ = cancelled.wait(for: count)
                    gate.open()
                }.start()
                pool.shutdown(wait: true, cancelFutures: true)
            } else {
                pool.shutdown(wait: false, cancelFutures: true)
                #expect(tracker.liveCount == 0, "released before shutdown returned")
                gate.open()
            }
            #expect(queued.allSatisfy { $0.isCancelled })
            #expect(tracker.liveCount == 0, "\(tracker.liveCount) captured objects still alive")
            #expect(try blocker.result(timeout: .seconds(30)) == 0)
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }

        @Test("A broken pool releases the closures of the futures it fails")
        func brokenPoolReleasesClosures() throws {
            let tracker = LifetimeTracker()
            let mayFail = Gate()
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: uniquePrefix("lb")) {
                mayFail.wait()
                throw TestError(tag: 9)
            }
            defer { pool.shutdown() }
            var futures: [Future<Int>] = []
            for index in 0..<10 {
                let captured = tracker.instance()
                futures.append(
                    try pool.submit {
                        captured.touch(); return index
                    })
            }
            mayFail.open()
            let (_, notDone) = wait(futures, timeout: .seconds(30))
            #expect(notDone.isEmpty)
            #expect(eventually { tracker.liveCount == 0 }, "\(tracker.liveCount) captured objects still alive")
        }

        @Test("Callbacks are released once they have run; the future keeps its value only")
        func callbacksReleased() throws {
            let tracker = LifetimeTracker()
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: uniquePrefix("lk"))
            defer { pool.shutdown() }
            let gate = Gate()
            let future = try pool.submit {
                gate.wait(); return 1
            }
            let ran = Counter()
            for _ in 0..<5 {
                let captured = tracker.instance()
                future.addDoneCallback { _ in
                    captured.touch(); ran.increment()
                }
            }
            gate.open()
            #expect(try future.result(timeout: .seconds(30)) == 1)
            #expect(ran.wait(for: 5))
            #expect(eventually { tracker.liveCount == 0 }, "\(tracker.liveCount) callbacks' captures still alive")
        }

        @Test("A future's value is released with the future")
        func valueReleasedWithFuture() throws {
            let tracker = LifetimeTracker()
            try withThreadPoolExecutor(maxWorkers: 1) { pool in
                var future: Future<Tracked>? = try pool.submit { tracker.instance() }
                #expect(try future?.result(timeout: .seconds(30)) != nil)
                #expect(tracker.liveCount == 1, "the future holds its value")
                future = nil
                #expect(eventually { tracker.liveCount == 0 })
            }
        }

        @Test("Timed-out waits leave nothing registered on the future")
        func timedOutWaitsReleaseWaiters() throws {
            let tracker = LifetimeTracker()
            let future = Future<Int>()
            for _ in 0..<100 {
                #expect(throws: FutureError.timedOut) { try future.result(timeout: .microseconds(10)) }
                _ = wait([future], timeout: .microseconds(10))
                var iterator = asCompleted([future], timeout: .microseconds(10)).makeIterator()
                _ = try? iterator.next()
            }
            // Nothing left on the future: a callback now is its only listener and runs exactly once.
            let captured = tracker.instance()
            let ran = Counter()
            future.addDoneCallback { _ in
                captured.touch(); ran.increment()
            }
            _ = consume captured
            try future.setResult(1)
            #expect(ran.count == 1)
            #expect(tracker.liveCount == 0)
        }

        @Test("A released pool is freed once its work is done")
        func releasedPoolIsFreed() throws {
            let tracker = LifetimeTracker()
            let prefix = uniquePrefix("lp")
            weak var weakPool: ThreadPoolExecutor?
            var futures: [Future<Int>] = []
            do {
                let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: prefix)
                weakPool = pool
                for index in 0..<20 {
                    let captured = tracker.instance()
                    futures.append(
                        try pool.submit {
                            captured.touch(); return index
                        })
                }
            }
            #expect(weakPool == nil)
            let (_, notDone) = wait(futures, timeout: .seconds(30))
            #expect(notDone.isEmpty)
            #expect(eventually { tracker.liveCount == 0 })
            #expect(eventually { threadCount(namedWithPrefix: prefix) == 0 })
        }
    }
}
