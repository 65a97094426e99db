// The snippets of Docs/Futures.docc/WaitingForGroups.md, as printed there.

import Foundation
import Futures
import Testing

@Suite struct WaitingForGroupsSnippets: DocSnippets {
    @Test func waitForAll() throws {
        try withThreadPoolExecutor(maxWorkers: 4) { pool in
            let futures = try paths.map { path in try pool.submit { try download(path) } }
            let (done, notDone) = wait(futures, timeout: .seconds(10))
            print("\(done.count) done, \(notDone.count) still running after 10 s")
            for future in done where !future.isCancelled {
                if let error = try future.error() { print("failed:", error) }
            }
        }
    }

    @Test func firstException() throws {
        try withThreadPoolExecutor(maxWorkers: 4) { pool in
            let futures = try (paths + ["/no/such/file"]).map { path in try pool.submit { try download(path) } }
            let (done, notDone) = wait(futures, returnWhen: .firstException)
            if let failed = try done.first(where: { try $0.error(timeout: .zero) != nil }) {
                print("one failed:", try failed.error()!)
                notDone.forEach { $0.cancel() }          // stop what has not started
            }
            _ = wait(futures)                            // let the rest finish before the pool stops
        }
    }

    @Test func firstCompleted() throws {
        try withThreadPoolExecutor(maxWorkers: 3) { pool in
            let mirrors = [paths[0], paths[1], paths[2]]
            let futures = try mirrors.map { mirror in try pool.submit { try download(mirror) } }
            let (done, notDone) = wait(futures, returnWhen: .firstCompleted)
            let fastest = done.first!
            notDone.forEach { $0.cancel() }
            print("fastest mirror sent", try fastest.result().count, "bytes")
        }
    }

    @Test func inCompletionOrder() throws {
        try withThreadPoolExecutor(maxWorkers: 4) { pool in
            let futures = try paths.map { path in try pool.submit { (path, try fileSize(path)) } }
            for future in asCompleted(futures) {
                let (path, size) = try future.result()          // done: never blocks
                print(path, size)
            }
        }
    }

    @Test func inCompletionOrderWithATimeout() throws {
        try withThreadPoolExecutor(maxWorkers: 4) { pool in
            let futures = try paths.map { path in try pool.submit { try fileSize(path) } }
            do {
                try asCompleted(futures, timeout: .seconds(5)).forEach { future in
                    print(try future.result())
                }
            } catch FutureError.timedOut {
                print("gave up after 5 s; the rest go on running")
            }
        }
    }

    @Test func asyncCompletionOrder() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let futures = try paths.map { path in try pool.submit { try fileSize(path) } }
        for try await future in asCompleted(futures, timeout: .seconds(5)) {
            print(try await future.value)
        }
        let (done, _) = await wait(futures, timeout: .seconds(5))
        print(done.count, "done")
        await pool.shutdown()
    }

    @Test func subtasksOnTheSamePool() throws {
        try withThreadPoolExecutor(maxWorkers: 1) { pool in
            let outer = try pool.submit { () -> Int in
                // On the pool's only worker: waiting on the pool's own queued work runs it here.
                let parts = try (1...4).map { n in try pool.submit { n * n } }
                return try parts.reduce(0) { $0 + (try $1.result()) }
            }
            print(try outer.result())                         // 30, no deadlock
        }
    }
}
