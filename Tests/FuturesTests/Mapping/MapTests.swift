import Foundation
import Testing

@testable import Futures

@Suite("map")
struct MapTests {
    @Test(arguments: [nil, 1, 3, 1000] as [Int?])
    func resultsInInputOrder(chunkSize: Int?) throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        defer { pool.shutdown() }
        let results = try pool.map(0..<500, chunkSize: chunkSize) { $0 * 2 }
        #expect(results == (0..<500).map { $0 * 2 })
    }

    @Test func emptyInputReturnsAtOnce() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let results = try pool.map([Int]()) { $0 }
        #expect(results.isEmpty)
        #expect(pool.threadsStarted == 0)
    }

    @Test func firstErrorInInputOrderIsThrownAndTheRestCancelled() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let ran = Counter()
        let release = Gate()
        #expect(throws: TestError(tag: 1)) {
            _ = try pool.map(0..<50, chunkSize: 1) { index -> Int in
                ran.increment()
                if index == 1 { throw TestError(tag: 1) }
                if index == 2 { release.wait() }  // holds the only worker until map has returned
                if index == 5 { throw TestError(tag: 5) }
                return index
            }
        }
        release.open()
        pool.shutdown(wait: true)
        // Item 2 holds the only worker until map has returned, so items 3 and later cannot have started
        // before map cancelled them (item 2 itself may or may not have started by then).
        #expect(ran.count <= 3, "items 3 and later were cancelled before they started (ran \(ran.count))")
    }

    /// The failures after the first one, which map never reads, are not reported as unread errors.
    @Test func abandonedFailuresAreNotReportedAsUnread() throws {
        let reports = Counter()
        let hooks = ThreadPoolHooks(unretrievedError: { _ in reports.increment() })
        let pool = ThreadPoolExecutor(maxWorkers: 2, configuration: ThreadPoolConfiguration(hooks: hooks))
        let release = Gate()
        #expect(throws: TestError(tag: 0)) {
            _ = try pool.map(0..<4, chunkSize: 1) { index -> Int in
                if index == 1 { release.wait() }
                throw TestError(tag: index)
            }
        }
        release.open()
        pool.shutdown(wait: true)
        #expect(reports.count == 0)
    }

    @Test func timeoutIsOneDeadlineAndCancelsTheRest() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate()
        let ran = Counter()
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: FutureError.timedOut) {
            _ = try pool.map(0..<10, timeout: .milliseconds(100), chunkSize: 1) { index -> Int in
                ran.increment()
                gate.wait()
                return index
            }
        }
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(100) && elapsed < .seconds(10))
        gate.open()
        pool.shutdown(wait: true)
        #expect(ran.count == 1, "only the item already running ran")
    }

    @Test func chunksCutTheNumberOfTasks() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown() }
        #expect(pool.defaultChunkSize(for: 1_000_000) == 62_500)
        #expect(pool.defaultChunkSize(for: 10) == 1)
        let threads = Recorder<String>()
        let results = try pool.map(0..<100, chunkSize: 50) { index -> Int in
            threads.append(currentThreadName())
            return index + 1
        }
        #expect(results == Array(1...100))
    }

    /// Another executor gets `map` from the protocol extension.
    @Test func inlineExecutorGetsMapForFree() throws {
        let executor = InlineExecutor()
        #expect(try executor.map([1, 2, 3]) { $0 * 10 } == [10, 20, 30])
    }
}

/// Runs each task at once on the caller's thread.
final class InlineExecutor: Executor {
    func submit<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> Future<T> {
        let future = Future<T>()
        _ = try future.setRunningOrNotifyCancel()
        do { try future.setResult(try work()) } catch { try future.setError(error) }
        return future
    }

    func shutdown(wait: Bool, cancelFutures: Bool) {}
}
