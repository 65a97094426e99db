import Dispatch
import Foundation
import Testing

@testable import Futures

/// Every group operation costs O(n) for n futures (issue 14). These tests count the work a call does on
/// the caller's thread or task — future status reads, lock acquisitions, queue entries looked at — with the
/// library's debug-build `OperationCounters`, and check it against one bound `c·n + k` that is the same at
/// n = 10, 1,000 and 100,000: a call that rescanned all futures per element or per completion would do
/// about n² work and fail at 1,000 already. Work done by pool workers is not counted (it is per task, O(1)).
@Suite("Group operations cost O(n)", .serialized)
struct GroupCostTests {
    /// The sizes each bound is checked at. `FUTURES_COST_LARGEST_N` lowers the largest (the sanitizer runs
    /// in CI set it: they check these paths for races, not for cost, and run ten times slower).
    static let sizes = [
        10, 1_000, ProcessInfo.processInfo.environment["FUTURES_COST_LARGEST_N"].flatMap { Int($0) } ?? 100_000,
    ]

    /// Checks the counted work of one call against `perFuture × n + 64`.
    func expectLinear(
        _ counters: OperationCounters, n: Int, perFuture: Int, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        if ProcessInfo.processInfo.environment["FUTURES_PRINT_COUNTS"] != nil {
            print("COUNT \(what) n=\(n): \(Double(counters.total) / Double(n)) per future")
        }
        #expect(
            counters.total <= perFuture * n + 64,
            """
            \(what), n = \(n): \(counters.statusReads) status reads, \(counters.lockAcquisitions) lock \
            acquisitions, \(counters.queueEntriesExamined) queue entries (bound \(perFuture) per future)
            """, sourceLocation: sourceLocation)
    }

    /// Runs `body` on a plain thread of its own and returns what it returns. The blocking calls here take
    /// seconds at n = 100,000, and a test's body runs on one of the few cooperative threads, which the async
    /// tests running beside this suite need (blocking one made an unrelated timing test fail under TSan).
    /// Not `offTheCooperativePool` (Support), which runs on a pool worker: there `wait` would look for each
    /// future in that pool's queue, and those look-ups would be counted.
    func onAThreadOfItsOwn<R: Sendable>(_ body: @escaping @Sendable () -> R) async -> R {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    static func finishedFutures(_ n: Int) -> [Future<Int>] {
        (0..<n).map { index in
            let future = Future<Int>()
            try! future.setResult(index)
            return future
        }
    }

    static let rules: [ReturnWhen] = [.allCompleted, .firstCompleted, .firstException]

    // MARK: wait

    @Test(arguments: sizes, rules)
    func waitOnDoneFutures(n: Int, returnWhen: ReturnWhen) async {
        let (result, counters, anyResult, anyCounters) = await onAThreadOfItsOwn {
            let futures = Self.finishedFutures(n)
            let (result, counters) = OperationCounters.counting { wait(futures, returnWhen: returnWhen) }
            let any = futures.map(AnyFuture.init)
            let (anyResult, anyCounters) = OperationCounters.counting {
                wait(any + any, timeout: .seconds(30), returnWhen: returnWhen)  // duplicates, too
            }
            return (result.done.count, counters, (anyResult.done.count, anyResult.notDone.count), anyCounters)
        }
        #expect(result == n)
        expectLinear(counters, n: n, perFuture: 4, "wait(\(returnWhen))")
        #expect(anyResult.0 == n && anyResult.1 == 0)
        expectLinear(anyCounters, n: n, perFuture: 8, "wait(AnyFuture, \(returnWhen)) with duplicates")
    }

    @Test(arguments: sizes, rules)
    func asyncWaitOnDoneFutures(n: Int, returnWhen: ReturnWhen) async {
        let futures = Self.finishedFutures(n)
        let (result, counters) = await OperationCounters.counting { await wait(futures, returnWhen: returnWhen) }
        #expect(result.done.count == n)
        expectLinear(counters, n: n, perFuture: 4, "async wait(\(returnWhen))")
    }

    /// The futures complete on another thread, in reverse order, while the call waits: the waiting side
    /// still does O(1) per future (one registration, one removal at most, a status read or two).
    @Test(.timeLimit(.minutes(1)), arguments: sizes, rules)
    func waitWhileAnotherThreadCompletes(n: Int, returnWhen: ReturnWhen) async {
        let (done, counters) = await onAThreadOfItsOwn {
            let futures = (0..<n).map { _ in Future<Int>() }
            let completer = Thread { for future in futures.reversed() { try! future.setResult(1) } }
            let (result, counters) = OperationCounters.counting {
                completer.start()
                return wait(futures, returnWhen: returnWhen)
            }
            return (result.done.count, counters)
        }
        #expect(done > 0)
        expectLinear(counters, n: n, perFuture: 6, "wait(\(returnWhen)) during completions")
    }

    @Test(.timeLimit(.minutes(1)), arguments: sizes, rules)
    func asyncWaitWhileAnotherThreadCompletes(n: Int, returnWhen: ReturnWhen) async {
        let futures = (0..<n).map { _ in Future<Int>() }
        let completer = Thread { for future in futures.reversed() { try! future.setResult(1) } }
        let (result, counters) = await OperationCounters.counting {
            completer.start()
            return await wait(futures, returnWhen: returnWhen)
        }
        #expect(!result.done.isEmpty)
        expectLinear(counters, n: n, perFuture: 6, "async wait(\(returnWhen)) during completions")
    }

    /// None completes: the call registers once on each, times out, and takes its waiter off each.
    @Test(arguments: sizes, rules)
    func waitThatTimesOut(n: Int, returnWhen: ReturnWhen) async {
        let (notDone, counters) = await onAThreadOfItsOwn {
            let futures = (0..<n).map { _ in Future<Int>() }
            defer { futures.forEach { $0.cancel() } }
            let (result, counters) = OperationCounters.counting {
                wait(futures, timeout: .milliseconds(1), returnWhen: returnWhen)
            }
            return (result.notDone.count, counters)
        }
        #expect(notDone == n)
        expectLinear(counters, n: n, perFuture: 6, "wait(\(returnWhen)) timing out")
    }

    @Test(arguments: sizes, rules)
    func asyncWaitThatTimesOut(n: Int, returnWhen: ReturnWhen) async {
        let futures = (0..<n).map { _ in Future<Int>() }
        defer { futures.forEach { $0.cancel() } }
        let (asyncResult, asyncCounters) = await OperationCounters.counting {
            await wait(futures, timeout: .milliseconds(1), returnWhen: returnWhen)
        }
        #expect(asyncResult.notDone.count == n)
        expectLinear(asyncCounters, n: n, perFuture: 6, "async wait(\(returnWhen)) timing out")
    }

    // MARK: asCompleted

    @Test(.timeLimit(.minutes(1)), arguments: sizes)
    func asCompletedOverDoneAndCompletingFutures(n: Int) async {
        let (count, counters, yielded, completingCounters) = await onAThreadOfItsOwn {
            let done = Self.finishedFutures(n)
            let (count, counters) = OperationCounters.counting { asCompleted(done + done).reduce(0) { c, _ in c + 1 } }
            let pending = (0..<n).map { _ in Future<Int>() }
            let completer = Thread { for future in pending.reversed() { try! future.setResult(1) } }
            let (yielded, completingCounters) = OperationCounters.counting {
                completer.start()
                return asCompleted(pending).reduce(0) { c, _ in c + 1 }
            }
            return (count, counters, yielded, completingCounters)
        }
        #expect(count == n)
        expectLinear(counters, n: n, perFuture: 4, "asCompleted over done futures, with duplicates")
        #expect(yielded == n)
        expectLinear(completingCounters, n: n, perFuture: 8, "asCompleted during completions")
    }

    @Test(arguments: sizes)
    func asyncAsCompletedOverDoneFutures(n: Int) async throws {
        let done = Self.finishedFutures(n)
        let (asyncCount, asyncCounters) = try await OperationCounters.counting {
            var count = 0
            for try await _ in asCompleted(done, timeout: .seconds(30)) { count += 1 }
            return count
        }
        #expect(asyncCount == n)
        expectLinear(asyncCounters, n: n, perFuture: 4, "for try await over asCompleted(timeout:)")
    }

    // MARK: On a pool worker: running queued work inline

    /// A task on a one-worker pool submits n subtasks and waits for them all: the worker runs every one
    /// itself, each found in the queue in O(1) (the old search from the back was O(queue) per future).
    @Test(.timeLimit(.minutes(2)), arguments: sizes)
    func aWorkerWaitingOnItsOwnQueueRunsItInline(n: Int) async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let outer = try pool.submit { () -> (Int, Int, OperationCounters, OperationCounters) in
            let subtasks = (0..<n).map { index in try! pool.submit { index } }
            let (result, counters) = OperationCounters.counting { wait(subtasks) }
            let more = (0..<n).map { index in try! pool.submit { index } }
            // In reverse order, so the queue is walked from the back: still O(1) per future.
            let (yielded, streamCounters) = OperationCounters.counting {
                asCompleted(more.reversed()).reduce(0) { c, _ in c + 1 }
            }
            return (result.done.count, yielded, counters, streamCounters)
        }
        let (done, yielded, counters, streamCounters) = try await outer.value
        #expect(done == n && yielded == n)
        // Per future: the inline run's pool-lock trips, the future's own events, status reads.
        expectLinear(counters, n: n, perFuture: 14, "wait on a worker, running the queue inline")
        expectLinear(streamCounters, n: n, perFuture: 16, "asCompleted on a worker, running the queue inline")
        #expect(pool.statistics.threadsStarted == 1, "one worker did it all")
        await pool.shutdown()
    }

    // MARK: Executor operations

    /// Consumes `unorderedMap` and `lazyMap` of `0..<n` on `pool` through `results`, on the calling thread,
    /// and returns each one's name, how many results it gave, and the work counted.
    static func countStreamingMaps(
        on pool: ThreadPoolExecutor, n: Int, bufferSize: Int
    ) -> [(String, Int, OperationCounters)] {
        let (unordered, unorderedCounters) = OperationCounters.counting {
            var count = 0
            for _ in pool.unorderedMap(0..<n, bufferSize: bufferSize, { $0 }).results { count += 1 }
            return count
        }
        let (lazy, lazyCounters) = OperationCounters.counting {
            var count = 0
            for _ in pool.lazyMap(0..<n, bufferSize: bufferSize, { $0 }).results { count += 1 }
            return count
        }
        return [("unorderedMap", unordered, unorderedCounters), ("lazyMap", lazy, lazyCounters)]
    }

    @Test(.timeLimit(.minutes(2)), arguments: sizes)
    func executorGroupOperations(n: Int) async {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        // Per item: its submit (a future lock, the pool lock) and its wait (a few locks and status reads).
        let perFuture = 12
        let results = await onAThreadOfItsOwn { () -> [(String, Int?, OperationCounters)] in
            let tasks = [@Sendable () throws -> Int](repeating: { 1 }, count: n)
            let (all, allCounters) = OperationCounters.counting { try? pool.invokeAll(tasks) }
            let (any, anyCounters) = OperationCounters.counting { try? pool.invokeAny(tasks) }
            let (mapped, mapCounters) = OperationCounters.counting { try? pool.map(0..<n, chunkSize: 1) { $0 } }
            return [
                ("invokeAll", all?.count, allCounters), ("invokeAny", any.map { _ in n }, anyCounters),
                ("map(chunkSize: 1)", mapped?.count, mapCounters),
            ] + Self.countStreamingMaps(on: pool, n: n, bufferSize: 4).map { ($0, $1, $2) }
        }
        for (name, count, counters) in results {
            #expect(count == n, "\(name) gave every result")
            expectLinear(counters, n: n, perFuture: perFuture, name)
        }
        await pool.shutdown()
    }

    /// The streaming maps consumed by the only worker of their own pool: every item waits in the queue,
    /// and the consumer runs each itself rather than block (help-while-waiting). Finding a queued item
    /// must cost O(1) amortized, not a look at every item in flight per wait.
    @Test(.timeLimit(.minutes(2)), arguments: sizes)
    func streamingMapsConsumedOnAWorkerOfTheirPool(n: Int) async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let perFuture = 16
        let results = try await pool.submit { Self.countStreamingMaps(on: pool, n: n, bufferSize: 64) }.value
        for (name, count, counters) in results {
            #expect(count == n, "\(name) gave every result")
            expectLinear(counters, n: n, perFuture: perFuture, "\(name) on a worker")
        }
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(2)), arguments: sizes)
    func asyncExecutorGroupOperations(n: Int) async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let tasks = [@Sendable () throws -> Int](repeating: { 1 }, count: n)
        let perFuture = 12

        let (asyncAll, asyncAllCounters) = try await OperationCounters.counting { try await pool.invokeAll(tasks) }
        #expect(asyncAll.count == n)
        expectLinear(asyncAllCounters, n: n, perFuture: perFuture, "async invokeAll")

        let (asyncMapped, asyncMapCounters) = try await OperationCounters.counting {
            try await pool.map(0..<n, chunkSize: 1) { $0 }
        }
        #expect(asyncMapped.count == n)
        expectLinear(asyncMapCounters, n: n, perFuture: perFuture, "async map(chunkSize: 1)")
        await pool.shutdown()
    }

    /// `waitUntilIdle` is one wait, however much work there is: its own cost does not grow with n.
    @Test(.timeLimit(.minutes(1)), arguments: sizes)
    func waitUntilIdleCostsTheSameAtEveryN(n: Int) async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let release = Gate()
        for _ in 0..<n { _ = try pool.submit { _ = release.wait() } }
        release.open()
        let counters = await onAThreadOfItsOwn {
            OperationCounters.counting { try? pool.waitUntilIdle(timeout: .seconds(60)) }.counters
        }
        #expect(counters.total <= 16, "waitUntilIdle after \(n) tasks: \(counters.total) counted")
        #expect(pool.statistics.completed == n)
        await pool.shutdown()
    }
}
