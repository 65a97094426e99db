// The tour of README.md ("A short tour"), block by block, as printed there. The first and the third block
// share one pool, as in the README; the async block has its own.

import Foundation
import Futures
import Testing

@Suite struct ReadmeTourSnippets: DocSnippets {
    @Test func blockingTourAndStreaming() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4, threadNamePrefix: "io")   // threads start lazily
        defer { pool.shutdown() }                                               // blocks until the threads exit
        let future = try pool.submit { try download(paths[0]) }                 // a Future<Data>
        print(future.state)                       // .pending, .running, .finished or .cancelled
        let bytes = try future.result(timeout: .seconds(2))   // waits; rethrows the work's own error
        let spare = try pool.submit { slow(0) }
        spare.cancel()                            // true if it had not started
        let scan = try pool.submit { try CurrentWork.checkCancellation(); return slow(1) }
        scan.requestCancellation()                // cancels it, or asks it to stop if running

        let futures = try paths.map { path in try pool.submit { try fileSize(path) } }
        let (done, notDone) = wait(futures, timeout: .seconds(5), returnWhen: .firstException)
        for f in asCompleted(futures) {                                  // blocking, in completion order
            print(try f.result())
        }
        let both = wait([AnyFuture(future), AnyFuture(futures[0])])      // mixed value types

        #expect(bytes.count == 100)
        #expect(done.count + notDone.count == paths.count)
        #expect(both.done.count == 2 && both.notDone.isEmpty)

        var digests = pool.lazyMap(lines, bufferSize: 16) { checksum($0) }.makeIterator()   // bounded, even endless input
        while let digest = try digests.next() { print(digest) }
        for result in pool.unorderedMap(paths, { try download($0) }).results {              // completion order, Result each
            print(result)
        }
        let mirrors: [@Sendable () throws -> Data] = [{ try download(paths[0]) }, { try download(paths[1]) }]
        let first = try pool.invokeAny(mirrors)                                             // first success, rest cancelled
        let sized = future.map { $0.count }                                                 // chain without blocking
        let urgent = try pool.submit(priority: .high) { try download(paths[1]) }            // ahead of waiting normal work
        let bounded = ThreadPoolExecutor(maxWorkers: 8, configuration: .init(maxQueued: 1000, whenFull: .block,
                                         minWorkers: 2, keepAlive: .seconds(60)))
        print(bounded.statistics)          // threads, idle, busy, queued, submitted, completed, failed, …
        try bounded.waitUntilIdle(timeout: .seconds(5))
        bounded.shutdown()

        #expect(first.count == 100 || first.count == 200)
        #expect(try sized.result(timeout: .seconds(5)) == 100)
        #expect(try urgent.result(timeout: .seconds(5)).count == 200)
    }

    @Test func asyncTour() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let data = try await pool.run { try download(paths[0]) }        // cancelling the task cancels it, or asks it to stop
        let sizes = try await pool.map(paths) { path in try fileSize(path) }   // async map, same order and errors
        let futures = try paths.map { path in try pool.submit { try fileSize(path) } }
        for try await f in asCompleted(futures, timeout: .seconds(5)) {  // async; throws FutureError.timedOut
            print(try await f.value)
        }
        let size = try await withTaskExecutorPreference(pool) { try fileSize(paths[0]) }   // the pool is a TaskExecutor too
        await pool.shutdown()                                            // suspends until the threads exit

        #expect(data.count == 100 && sizes.count == paths.count && size == 100)
        #expect(pool.isTerminated)
    }
}
