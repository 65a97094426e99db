// The recipes of Docs/Futures.docc/Cookbook.md, as printed there; each runs as a test.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Futures
import Synchronization
import Testing

@Suite struct CookbookSnippets: DocSnippets {
    @Test func boundedConcurrencyWithProgress() throws {
        let inputs = Array(1...100)
        let failed = try withThreadPoolExecutor(maxWorkers: 8) { pool in         // at most 8 calls at once
            let futures = try inputs.map { n in try pool.submit { slow(n, milliseconds: 2) } }
            var done = 0
            var failures = 0
            for future in asCompleted(futures) {                                  // as each call finishes
                if try future.error() != nil { failures += 1 }
                done += 1
                if done % 25 == 0 { print("\(done)/\(futures.count) done, \(failures) failed") }
            }
            return failures
        }
        #expect(failed == 0)
    }

    @Test func priorityLanes() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let nightly = try (1...40).map { n in try pool.submit(priority: .background) { slow(n, milliseconds: 5) } }
        let answer = try pool.submit(priority: .high) { slow(7, milliseconds: 1) }   // starts before the batch left
        print(try answer.result())
        for job in nightly { _ = try job.result() }
        pool.shutdown()
        #expect(nightly.allSatisfy { $0.state == .finished })
    }

    @Test func oneDeadlineScoped() throws {
        let finished = try withThreadPoolExecutor(maxWorkers: 4, onExit: .cancelPending) { pool in
            let futures = try (1...100).map { n in try pool.submit { slow(n, milliseconds: 20) } }
            let (done, _) = wait(futures, timeout: .milliseconds(100))   // one deadline for the whole batch
            return done.count
        }   // the calls not yet started were cancelled; those running finished; every thread exited
        print("\(finished) of 100 calls finished in time")
        #expect(finished >= 0 && finished <= 100)
    }

    @Test func oneDeadlineShutdownNow() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let futures = try (1...100).map { n in try pool.submit { slow(n, milliseconds: 20) } }
        let (_, notDone) = wait(futures, timeout: .milliseconds(100))
        if !notDone.isEmpty {
            let cancelled = pool.shutdownNow()        // cancels the queue, returns those futures
            print("gave up on \(cancelled.count) calls")
        }
        try pool.awaitTermination()                   // running calls finish; nothing interrupts them
        #expect(pool.isTerminated)
        #expect(futures.allSatisfy { $0.isDone })
    }

    @Test func retryWithBackoff() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let attempts = Mutex(0)
        @Sendable func flakyCall() throws -> String {       // fails twice, then works: a flaky server, say
            let attempt = attempts.withLock { count in count += 1; return count }
            if attempt < 3 { throw SnippetError(message: "try again") }
            return "answer after \(attempt) attempts"
        }

        func retrying<T: Sendable>(
            attempts: Int, firstDelay: Duration = .milliseconds(10), _ work: @escaping @Sendable () throws -> T
        ) async throws -> T {
            var delay = firstDelay
            var attempt = 1
            while true {
                do {
                    return try await pool.run(work)
                } catch where attempt < attempts && !(error is CancellationError) {
                    try await Task.sleep(for: delay)        // waits without holding a worker or a cooperative thread
                    delay *= 2                              // 10 ms, 20 ms, 40 ms, …
                    attempt += 1
                }
            }
        }

        print(try await retrying(attempts: 5) { try flakyCall() })
        #expect(attempts.withLock { $0 } == 3)
        await pool.shutdown()
    }

    @Test func perThreadState() throws {
        let scratch = WorkerLocal { [UInt8](repeating: 0, count: 64 * 1024) }   // one 64 KiB buffer per worker
        let counts = try withThreadPoolExecutor(maxWorkers: 4) { pool in
            try pool.map(paths) { path in
                try scratch.withValue { buffer in               // this worker's own buffer: no lock needed
                    let data = try download(path)
                    buffer.replaceSubrange(0..<data.count, with: data)
                    return buffer[0..<data.count].filter { $0 == UInt8(ascii: "x") }.count
                }
            }
        }
        #expect(counts == (1...8).map { $0 * 100 })
    }

    @Test func callCMakingBuffersInside() throws {
        let sizes = try withThreadPoolExecutor(maxWorkers: 4) { pool in
            try pool.map(paths) { path -> Int in
                let fd = open(path, O_RDONLY)
                guard fd >= 0 else { throw SnippetError(message: "open \(path): errno \(errno)") }
                defer { close(fd) }
                var buffer = [UInt8](repeating: 0, count: 4096)         // made here, on the worker
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                return count                                             // a plain Int crosses back
            }
        }
        #expect(sizes == (1...8).map { $0 * 100 })
    }

    /// Both handle recipes in one test, so that the count of open stand-in handles is this test's own.
    @Test func callCWithHandles() throws {
        let handle = WorkerLocal {
            guard let handle = openHandle("orders.db") else { throw SnippetError(message: "cannot open") }
            return handle
        } cleanup: { handle in
            closeHandle(handle)                                  // on the worker thread, as it exits
        }
        let answers = try withThreadPoolExecutor(maxWorkers: 4) { pool in
            try pool.map(Int32(1)...100) { n in query(try handle.value, n) }   // this worker's own handle
        }   // every worker closed its handle before this line
        #expect(answers.count == 100)
        #expect(openCHandles.load(ordering: .relaxed) == 0, "every worker closed its handle")

        do {
            /// One C handle shared by every task.
            final class SharedHandle: @unchecked Sendable {  // the C library serializes every call on the handle itself
                let raw: OpaquePointer
                init(_ name: String) throws {
                    guard let raw = openHandle(name) else { throw SnippetError(message: "cannot open \(name)") }
                    self.raw = raw
                }
                deinit { closeHandle(raw) }
            }

            let shared = try SharedHandle("orders.db")
            let total = try withThreadPoolExecutor(maxWorkers: 4) { pool in
                try pool.map(Int32(1)...10) { n in query(shared.raw, n) }.reduce(0, +)
            }
            #expect(total == (1...10).reduce(0) { $0 + Int32(9) + Int32($1) })
        }
        #expect(openCHandles.load(ordering: .relaxed) == 0, "the shared handle was closed with its box")
    }

    @Test func aServerOwnsOnePool() async throws {
        /// The app's one pool for blocking calls, made at start-up and shut down when the app stops.
        final class BlockingWork: Sendable {
            let pool: ThreadPoolExecutor

            init(log: @escaping @Sendable (String) -> Void) {
                pool = ThreadPoolExecutor(
                    maxWorkers: 16,                   // what the database or library can take at once
                    threadNamePrefix: "blocking",
                    configuration: .init(
                        maxQueued: 1_000,                      // a bound on calls waiting for a thread
                        hooks: .init(unretrievedError: { error in log("unread error from a blocking call: \(error)") })))
            }

            /// Called by a route handler: suspends the request's task, never a cooperative thread.
            func fileSize(at path: String) async throws -> Int {
                try await pool.run { try Data(contentsOf: URL(fileURLWithPath: path)).count }
            }

            /// Called once, when the app shuts down.
            func shutdown() async {
                await pool.shutdown()
            }
        }

        let service = BlockingWork(log: { message in print(message) })
        let size = try await service.fileSize(at: paths[0])
        await service.shutdown()
        #expect(size == 100)
    }

    @Test func fanOutFromAsyncCode() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 8)
        let sizes = try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for path in paths {
                group.addTask { (path, try await pool.run { try fileSize(path) }) }
            }
            var sizes: [String: Int] = [:]
            for try await (path, size) in group { sizes[path] = size }
            return sizes
        }
        await pool.shutdown()
        #expect(sizes.count == paths.count)
    }
}
