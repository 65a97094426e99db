// The snippets of Docs/Futures.docc/FuturesAndTheirStates.md, as printed there.

import Foundation
import Futures
import Testing

@Suite struct FuturesAndTheirStatesSnippets: DocSnippets {
    @Test func readingTheState() throws {
        try withThreadPoolExecutor(maxWorkers: 1) { pool in
            let future = try pool.submit { slow(42) }
            switch future.state {
            case .pending: print("queued; cancel() would stop it")
            case .running: print("a worker is running it")
            case .finished: print("done:", try future.result())
            case .cancelled: print("cancelled before it started")
            }
            print(future.isDone, future.isRunning, future.isCancelled)
        }
    }

    @Test func resultAndError() throws {
        try withThreadPoolExecutor(maxWorkers: 2) { pool in
            let future = try pool.submit { try download("/no/such/file") }
            if let error = try future.error(timeout: .seconds(5)) {   // the work's error, not thrown
                print("failed:", error)
            } else {
                print("read", try future.result().count, "bytes")    // done: returns at once
            }
        }
    }

    @Test func cancelling() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let first = try pool.submit { slow("first", milliseconds: 50) }
        let second = try pool.submit { slow("second") }     // waits behind `first`
        if second.cancel() {                                // true: it had not started
            print(second.state)                             // cancelled, at once
        }
        do {
            _ = try second.result()
        } catch FutureError.cancelled {
            print("second never ran")
        }
        print(try first.result())
    }

    @Test func callbacks() throws {
        try withThreadPoolExecutor(maxWorkers: 2) { pool in
            let future = try pool.submit { try fileSize(paths[0]) }
            future.addDoneCallback { done in
                // On the worker that finished the work, or here if it is already done.
                print("finished in state", done.state)
            }
        }
    }

    @Test func awaitingTheValue() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let future = try pool.submit { try download(paths[0]) }
        let bytes = try await future.value              // suspends; no thread waits
        await pool.shutdown()
        #expect(bytes.count == 100)
    }

    @Test func chaining() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let bytes: Future<Data> = try pool.submit { try download(paths[1]) }
        let lineCount: Future<Int> = bytes.map { data in data.split(separator: 10).count }
        print(try await lineCount.value)
        await pool.shutdown()
    }

    @Test func makingAFutureYourself() throws {
        let future = Future<String>()                       // pending, with no work attached
        let thread = Thread {
            if try! future.setRunningOrNotifyCancel() {     // false if someone cancelled it meanwhile
                try! future.setResult("computed elsewhere")
            }
        }
        thread.start()
        print(try future.result(timeout: .seconds(5)))
    }

    @Test func mixedTypes() throws {
        try withThreadPoolExecutor(maxWorkers: 2) { pool in
            let size: Future<Int> = try pool.submit { try fileSize(paths[0]) }
            let data: Future<Data> = try pool.submit { try download(paths[0]) }
            let (done, _) = wait([AnyFuture(size), AnyFuture(data)])
            for future in done {
                if let size = future.as(Int.self) { print("size", try size.result()) }
                if let data = future.as(Data.self) { print("bytes", try data.result().count) }
            }
        }
    }

    @Test func taskTimes() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2, configuration: .init(recordsTaskTimes: true))
        defer { pool.shutdown() }
        let future = try pool.submit { slow(1) }
        _ = try future.result()
        if let times = future.times {
            print("queued for", times.queued ?? .zero, "ran for", times.running ?? .zero)
        }
    }
}
