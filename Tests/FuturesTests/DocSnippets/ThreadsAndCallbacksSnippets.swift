// The snippets of Docs/Futures.docc/ThreadsAndCallbacks.md, as printed there.

import Foundation
import Futures
import Synchronization
import Testing

/// A stand-in for a database connection: not thread-safe, opened and closed explicitly.
final class Connection {
    static let open = Atomic<Int>(0)
    private var isOpen = true

    static func open(_ url: String) throws -> Connection {
        open.wrappingAdd(1, ordering: .relaxed)
        return Connection()
    }

    func total(of order: Int) throws -> Int {
        guard isOpen else { throw SnippetError(message: "connection closed") }
        return order * 10
    }

    func close() {
        isOpen = false
        Connection.open.wrappingSubtract(1, ordering: .relaxed)
    }
}

@Suite(.serialized) struct ThreadsAndCallbacksSnippets: DocSnippets {
    @Test func namedThreads() throws {
        let names = try withThreadPoolExecutor(maxWorkers: 3, threadNamePrefix: "resize") { pool in
            try pool.map(1...30, chunkSize: 1) { _ in slow(Thread.current.name ?? "?", milliseconds: 1) }
        }
        print(Set(names).sorted())     // ["resize_0", "resize_1", "resize_2"] — or fewer, threads start lazily
        #expect(Set(names).isSubset(of: ["resize_0", "resize_1", "resize_2"]))
    }

    @Test func initializer() throws {
        let opened = Mutex(0)
        try withThreadPoolExecutor(maxWorkers: 2, initializer: {
            opened.withLock { $0 += 1 }                 // e.g. open one connection per thread
        }) { pool in
            _ = try pool.map(1...10) { n in n * 2 }
        }
        print("initializer ran \(opened.withLock { $0 }) times, once per thread")
        #expect((1...2).contains(opened.withLock { $0 }))
    }

    @Test func workerLocal() throws {
        let connection = WorkerLocal { try Connection.open("db://orders") } cleanup: { $0.close() }
        let totals = try withThreadPoolExecutor(maxWorkers: 4) { pool in
            try pool.map(1...100) { order in
                try connection.withValue { db in try db.total(of: order) }   // this worker's own connection
            }
        }   // each worker closed its connection as it exited
        #expect(totals == (1...100).map { $0 * 10 })
        #expect(Connection.open.load(ordering: .relaxed) == 0, "every connection closed")
    }

    @Test func workerLocalOffAWorker() throws {
        let scratch = WorkerLocal { [UInt8](repeating: 0, count: 4096) }
        do {
            _ = try scratch.value                   // on the caller's thread: no worker owns a value here
        } catch WorkerLocalError.notOnWorker {
            let size = try scratch.withValue { $0.count }   // made for this call, then dropped
            print("not on a worker; a buffer of \(size) bytes was made for the call")
        }
    }

    @Test func maxTasksPerWorker() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2, configuration: .init(maxTasksPerWorker: 100))
        defer { pool.shutdown() }
        _ = try pool.map(1...1_000, chunkSize: 1) { n in n * 2 }
        print(pool.statistics.threadsStarted)   // 10 or more: each thread ran at most 100 tasks
        #expect(pool.statistics.threadsStarted >= 10)
    }

    @Test func callbacks() throws {
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

    @Test func hooksAndStatistics() throws {
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
        #expect(failures.withLock { $0 } == 1)
    }
}
