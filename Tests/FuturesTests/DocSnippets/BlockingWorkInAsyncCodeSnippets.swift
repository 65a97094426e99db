// The snippets of Docs/Futures.docc/BlockingWorkInAsyncCode.md, as printed there.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Futures
import Testing

@Suite struct BlockingWorkInAsyncCodeSnippets: DocSnippets {
    @Test func awaitOneCallWithRun() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 16, threadNamePrefix: "io")

        func loadConfig(at path: String) async throws -> Data {
            try await pool.run { try Data(contentsOf: URL(fileURLWithPath: path)) }
        }

        #expect(try await loadConfig(at: paths[0]).count == 100)
        await pool.shutdown()
    }

    @Test func topLevelCodeCallsTheAsyncFormsFromAnAsyncFunction() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        _ = try pool.submit { 1 }

        func run(_ pool: ThreadPoolExecutor) async throws {
            try await pool.waitUntilIdle()   // the async form, as written
            await pool.shutdown()
        }
        try await run(pool)

        #expect(pool.statistics.completed == 1)
    }

    @Test func readAFileDescriptorOnThePool() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let fd = open(paths[0], O_RDONLY)
        defer { close(fd) }           // never runs while the read below still uses fd
        let bytes = try await pool.run { () -> [UInt8] in
            var buffer = [UInt8](repeating: 0, count: 4096)   // made inside the closure: nothing unsafe crosses threads
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            return Array(buffer.prefix(max(count, 0)))
        }
        #expect(bytes.count == 100)
        await pool.shutdown()
    }

    @Test func taskLocalValuesReachTheWork() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let seen = try await Request.$id.withValue("req-42") {
            try await pool.run { Request.id }     // runs inside this task, on a worker
        }
        print(seen)                               // req-42
        #expect(seen == "req-42")
        await pool.shutdown()
    }

    @Test func executorPreference() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        // A scope:
        let size = try await withTaskExecutorPreference(pool) {
            try fileSize(paths[0])
        }
        // A new task:
        let task = Task(executorPreference: pool) { try download(paths[0]) }
        // Children of a group:
        await withTaskGroup(of: Void.self) { group in
            for path in paths {
                group.addTask(executorPreference: pool) { _ = slow(path) }
            }
        }
        #expect(size == 100)
        #expect(try await task.value.count == 100)
        await pool.shutdown()
    }

    @Test func awaitAFutureYouHold() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let future = try pool.submit { try fileSize(paths[0]) }
        // ... other work ...
        let size = try await future.value
        #expect(size == 100)
        await pool.shutdown()
    }
}
