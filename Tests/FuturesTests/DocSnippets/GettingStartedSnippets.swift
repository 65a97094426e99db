// The snippets of Docs/Futures.docc/GettingStarted.md, as printed there.

import Foundation
import Futures
import Testing

@Suite struct GettingStartedSnippets: DocSnippets {
    @Test func mapOverPaths() throws {
        let total = try withThreadPoolExecutor(maxWorkers: 4) { pool in
            let sizes = try pool.map(paths) { path in try fileSize(path) }   // in the order of `paths`
            return sizes.reduce(0, +)
        }                                                                    // the pool is shut down here
        #expect(total == (1...8).reduce(0) { $0 + $1 * 100 })
    }

    @Test func submitAndResult() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4, threadNamePrefix: "io")
        defer { pool.shutdown() }

        let future = try pool.submit { try fileSize(paths[0]) }   // returns at once
        print(future.state)                                         // pending, running or finished
        let size = try future.result(timeout: .seconds(5))          // waits; rethrows the work's error
        #expect(size == 100)
    }

    @Test func errorsStayInTheirFuture() throws {
        try withThreadPoolExecutor(maxWorkers: 2) { pool in
            let future = try pool.submit { try download("/no/such/file") }
            do {
                _ = try future.result()
            } catch let error as SnippetError {
                print("download failed:", error.message)            // the work's own error, as thrown
            }
        }
    }

    @Test func manyFuturesInCompletionOrder() throws {
        try withThreadPoolExecutor(maxWorkers: 4) { pool in
            let futures = try paths.map { path in try pool.submit { try fileSize(path) } }
            for future in asCompleted(futures) {                     // fastest first
                print(try future.result())
            }
        }
    }

    @Test func fromAsyncCode() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let size = try await pool.run { try fileSize(paths[0]) }        // suspends; never blocks a thread
        let sizes = try await pool.map(paths) { path in try fileSize(path) }
        await pool.shutdown()                                           // waits for the threads, suspending
        #expect(size == 100 && sizes.count == paths.count)
    }
}
