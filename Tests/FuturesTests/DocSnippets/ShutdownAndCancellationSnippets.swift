// The snippets of Docs/Futures.docc/ShutdownAndCancellation.md, as printed there.

import Foundation
import Futures
import Testing

@Suite struct ShutdownAndCancellationSnippets: DocSnippets {
    @Test func scoped() throws {
        let report = try withThreadPoolExecutor(maxWorkers: 4, threadNamePrefix: "report") { pool in
            try pool.map(paths) { path in try fileSize(path) }
        }   // every task finished and every worker thread exited before this line
        #expect(report.count == paths.count)
    }

    @Test func scopedAsync() async throws {
        let sizes = try await withThreadPoolExecutor(maxWorkers: 4) { pool in
            try await pool.map(paths) { path in try fileSize(path) }
        }   // shut down without blocking a thread
        #expect(sizes.count == paths.count)
    }

    @Test func scopedWithControls() throws {
        let finished = try withThreadPoolExecutor(
            maxWorkers: 2, configuration: .init(maxQueued: 16), onExit: .cancelPending
        ) { pool in
            let futures = try paths.map { path in try pool.submit { try download(path) } }
            let (done, _) = wait(futures, timeout: .seconds(5))
            return done.count
        }   // what had not started by then was cancelled; the running tasks finished, the threads exited
        #expect(finished == paths.count)
    }

    @Test func shutdownNowAndAwaitTermination() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        for path in paths { _ = try pool.submit { slow(path, milliseconds: 20) } }
        pool.shutdown(wait: false)                       // no more work; the queue still runs
        do {
            try pool.awaitTermination(timeout: .milliseconds(10))
        } catch FutureError.timedOut {
            let neverStarted = pool.shutdownNow()        // cancels what is queued and says what
            print("gave up on \(neverStarted.count) tasks")
            try pool.awaitTermination()                  // the running ones finish
        }
        print(pool.isShutdown, pool.isTerminated)        // true true
        #expect(pool.isShutdown && pool.isTerminated)
    }

    @Test func explicitShutdown() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let futures = try (1...10).map { n in try pool.submit { slow(n) } }
        pool.shutdown(wait: true, cancelFutures: true)  // queued ones cancelled; running ones finish
        let cancelled = futures.filter(\.isCancelled).count
        print("\(10 - cancelled) ran, \(cancelled) were cancelled")
        do {
            _ = try pool.submit { 0 }
        } catch ExecutorError.shutDown {
            print("the pool takes no more work")
        }
    }

    @Test func mapCancelsOnTimeout() throws {
        try withThreadPoolExecutor(maxWorkers: 2) { pool in
            do {
                _ = try pool.map(1...100, timeout: .milliseconds(50), chunkSize: 1) { n in slow(n, milliseconds: 20) }
            } catch FutureError.timedOut {
                print("map gave up; the items that had not started were cancelled")
            }
        }
    }

    @Test func cancelThePending() throws {
        try withThreadPoolExecutor(maxWorkers: 2) { pool in
            let futures = try paths.map { path in try pool.submit { try download(path) } }
            let cancelled = futures.filter { $0.cancel() }.count   // false for those already running
            print("cancelled \(cancelled) of \(futures.count)")
            for future in futures where !future.isCancelled {
                _ = try future.result()                          // the ones that started still finish
            }
        }
    }

    @Test func taskCancellation() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let task = Task {
            try await pool.run { slow("done", milliseconds: 20) }
        }
        task.cancel()   // not started yet: its future is cancelled and run throws CancellationError;
                        // already running: it is asked to stop, and run waits for it and returns its outcome
        _ = try? await task.value
        await pool.shutdown(cancelFutures: true)
    }

    @Test func askingRunningWorkToStop() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown() }
        let scan = try pool.submit { () throws -> Int in
            var scanned = 0
            for n in 1...1_000 {
                try CurrentWork.checkCancellation()      // throws CancellationError once asked
                scanned += slow(n, milliseconds: 1)
            }
            return scanned
        }
        scan.requestCancellation()                       // pending: cancelled; running: asked to stop
        do {
            print("scanned", try scan.result())
        } catch is CancellationError {
            print("the scan stopped early")
        } catch FutureError.cancelled {
            print("the scan never started")
        }
        #expect(scan.isCancellationRequested)
    }

    @Test func cancellationHandler() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let socket = BlockingSocket()
        let reply = Task {
            try await pool.run {
                try CurrentWork.withCancellationHandler {
                    try socket.read()                    // blocks until data comes or the socket closes
                } onCancel: {
                    socket.close()                       // makes the blocked read return
                }
            }
        }
        reply.cancel()                                   // the read, if it started, returns at once
        await #expect(throws: (any Error).self) { try await reply.value }
        await pool.shutdown()
    }

    @Test func deadlines() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown() }
        let row = try pool.submit(deadline: .now + .milliseconds(200)) { slow("row", milliseconds: 5) }
        do {
            print(try row.result())
        } catch let missed as DeadlineExceededError {
            print("no worker was free in time:", missed)
        }
        #expect(row.isDone)
    }

    @Test func brokenPool() throws {
        struct NoDatabase: Error {}
        let pool = ThreadPoolExecutor(maxWorkers: 2, initializer: { throw NoDatabase() })
        defer { pool.shutdown() }
        let future = try pool.submit { 1 }
        do {
            _ = try future.result()
        } catch ExecutorError.broken(let message) {
            print("the pool is broken:", message)         // names the initializer's error
        }
    }
}
