// The async forms of ThreadPoolExecutor.shutdown, which async code uses since the blocking
// shutdown(wait:cancelFutures:) is noasync: `await pool.shutdown()` suspends until the workers have exited,
// `await pool.shutdown(wait: false, cancelFutures:)` returns at once.

import Futures
import Testing

@Suite struct AsyncShutdownTests {
    @Test func awaitShutdownReturnsWhenEveryWorkerHasExited() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let futures = try (1...8).map { n in try pool.submit { n } }
        await pool.shutdown()
        #expect(pool.isTerminated)
        #expect(futures.allSatisfy { $0.state == .finished }, "queued work ran before the pool stopped")
        #expect(throws: ExecutorError.shutDown) { try pool.submit { 0 } }
    }

    @Test func awaitShutdownWithoutWaitingCancelsTheQueueAndReturnsAtOnce() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let release = Gate()
        let running = try pool.submit {
            started.open(); release.wait(); return 1
        }
        #expect(started.wait())
        let queued = try pool.submit { 2 }
        await pool.shutdown(wait: false, cancelFutures: true)  // the running task still holds the worker
        #expect(queued.isCancelled, "cancelled before shutdown returned")
        #expect(!pool.isTerminated)
        release.open()
        #expect(try await running.value == 1)
        try await pool.awaitTermination()
        #expect(pool.isTerminated)
    }

    @Test func awaitShutdownWaitingWithCancelFutures() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let release = Gate()
        _ = try pool.submit {
            started.open(); release.wait()
        }
        #expect(started.wait())
        let queued = try pool.submit { 2 }
        let shutdown = Task { await pool.shutdown(wait: true, cancelFutures: true) }
        // The queued future is cancelled by the shutdown; it is done the moment that happens.
        _ = try? await queued.value
        #expect(queued.isCancelled)
        release.open()
        await shutdown.value
        #expect(pool.isTerminated)
    }
}
