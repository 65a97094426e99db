// The snippets of Docs/Futures.docc/ThreadsAndCallbacks.md, as printed there.

import Foundation
import Futures
import Synchronization
import Testing

@Suite struct ThreadsAndCallbacksSnippets: DocSnippets {
    @Test func namedThreads() throws {
        let names = try withThreadPoolExecutor(maxWorkers: 3, threadNamePrefix: "resize") { pool in
            try pool.map(1...30, chunkSize: 1) { _ in slow(Thread.current.name ?? "?", milliseconds: 1) }
        }
        print(Set(names).sorted())     // ["resize_0", "resize_1", "resize_2"] — or fewer, threads start lazily
    }

    @Test func callbackThreads() throws {
        try withThreadPoolExecutor(maxWorkers: 2) { pool in
            let future = try pool.submit { slow(7) }
            future.addDoneCallback { _ in
                print("ran on", Thread.current.name ?? "?")    // a worker of the pool
            }
            _ = try future.result()
            future.addDoneCallback { _ in
                print("ran on", Thread.current.isMainThread ? "the caller" : "the caller's thread")
            }
        }
    }

    @Test func perThreadState() throws {
        let opened = Mutex(0)
        try withThreadPoolExecutor(maxWorkers: 2, initializer: {
            opened.withLock { $0 += 1 }                 // e.g. open one connection per thread
        }) { pool in
            _ = try pool.map(1...10) { n in n * 2 }
        }
        print("initializer ran \(opened.withLock { $0 }) times, once per thread")
    }

    @Test func hooks() throws {
        let failures = Mutex(0)
        let pool = ThreadPoolExecutor(
            maxWorkers: 2, threadNamePrefix: "jobs",
            configuration: .init(hooks: .init(
                workerStarted: { name in print("started", name) },
                afterTask: { error in if error != nil { failures.withLock { $0 += 1 } } })))
        defer { pool.shutdown() }
        let future = try pool.submit { try download("/no/such/file") }
        _ = try future.error()
        print(pool.statistics)
    }
}
