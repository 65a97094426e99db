import Foundation
import Testing

@testable import Futures

@Suite("invokeAll, invokeAny, Future.map and flatMap")
struct CombinatorTests {
    // MARK: invokeAll

    @Test func invokeAllCollectsEveryOutcomeInTaskOrder() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 3)
        defer { pool.shutdown() }
        let results = try pool.invokeAll(
            { 1 },
            { throw TestError(tag: 2) },
            { 3 }
        )
        #expect(results.count == 3)
        #expect((try? results[0].get()) == 1)
        #expect(throws: TestError(tag: 2)) { try results[1].get() }
        #expect((try? results[2].get()) == 3)
    }

    @Test func invokeAllAsync() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let results = try await pool.invokeAll((0..<10).map { item in { @Sendable in item * item } })
        #expect(results.map { try? $0.get() } == (0..<10).map { $0 * $0 })
        await pool.shutdown()
    }

    @Test func invokeAllTimeoutCancelsTheTasksNotStarted() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate()
        let ran = Counter()
        let tasks: [@Sendable () throws -> Int] = (0..<5).map { _ in
            {
                ran.increment(); gate.wait(); return 0
            }
        }
        #expect(throws: FutureError.timedOut) { _ = try pool.invokeAll(tasks, timeout: .milliseconds(50)) }
        gate.open()
        pool.shutdown(wait: true)
        #expect(ran.count == 1)
    }

    // MARK: invokeAny

    @Test func invokeAnyReturnsTheFirstSuccessSkippingFailures() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 3)
        defer { pool.shutdown() }
        let slow = Gate()
        let value = try pool.invokeAny(
            { throw TestError(tag: 0) },
            {
                slow.wait(); return 1
            },
            { 2 }
        )
        #expect(value == 2)
        slow.open()
    }

    @Test func invokeAnyCancelsTheRest() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let holdWorker = Gate()
        let ran = Recorder<Int>()
        let tasks: [@Sendable () throws -> Int] = [
            {
                ran.append(0); throw TestError(tag: 0)
            },
            {
                ran.append(1); return 1
            },
            {
                ran.append(2); holdWorker.wait(); return 2
            },
            {
                ran.append(3); return 3
            },
            {
                ran.append(4); return 4
            },
        ]
        #expect(try pool.invokeAny(tasks) == 1)
        holdWorker.open()
        pool.shutdown(wait: true)
        #expect(ran.values.allSatisfy { $0 <= 2 }, "tasks 3 and 4 were cancelled, ran \(ran.values)")
    }

    @Test func invokeAnyWhenAllFailCarriesEveryFailureInTaskOrder() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 3)
        defer { pool.shutdown() }
        let first = Gate()
        do {
            _ = try pool.invokeAny(
                [
                    {
                        first.wait(); throw TestError(tag: 0)
                    },  // fails last
                    {
                        defer { first.open() }; throw TestError(tag: 1)
                    },
                    { throw TestError(tag: 2) },
                ] as [@Sendable () throws -> Int])
            Issue.record("invokeAny should throw")
        } catch let error as AllFailedError {
            #expect(error.errors.map { ($0 as? TestError)?.tag } == [0, 1, 2])
            #expect(error.description.contains("all 3 tasks failed"))
        }
    }

    @Test func invokeAnyAsyncSomeFailing() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let value = try await pool.invokeAny(
            { throw TestError(tag: 0) },
            { "ok" }
        )
        #expect(value == "ok")
        await #expect(throws: AllFailedError.self) {
            _ = try await pool.invokeAny(
                [{ throw TestError(tag: 0) }, { throw TestError(tag: 1) }] as [@Sendable () throws -> Int])
        }
        await pool.shutdown()
    }

    @Test func invokeAnyWithNoTasksThrows() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        #expect(throws: AllFailedError.self) { _ = try pool.invokeAny([] as [@Sendable () throws -> Int]) }
    }

    @Test func invokeAnyTimesOut() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate()
        #expect(throws: FutureError.timedOut) {
            _ = try pool.invokeAny(
                {
                    gate.wait(); return 1
                }, { 2 }, timeout: .milliseconds(50))
        }
        gate.open()
        pool.shutdown()
    }

    // MARK: Future.map and flatMap

    @Test func chainedFuturesRunWithoutBlocking() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let chained = try pool.submit { 20 }
            .map { $0 + 1 }
            .flatMap { value in try pool.submit { value * 2 } }
            .map { "\($0)" }
        #expect(try await chained.value == "42")
        await pool.shutdown()
    }

    @Test func mapRunsOnTheCompletingThread() throws {
        let source = Future<Int>()
        let ranOn = Recorder<String>()
        let derived = source.map { value -> Int in
            ranOn.append(Thread.isMainThread ? "main" : "other")
            return value * 10
        }
        #expect(derived.state == .pending)
        try source.setResult(4)
        #expect(derived.state == .finished)
        #expect(try derived.result() == 40)
        #expect(ranOn.values.count == 1)
    }

    @Test func mapOfADoneFutureRunsAtOnce() throws {
        let source = Future<Int>()
        try source.setResult(1)
        #expect(try source.map { $0 + 1 }.result(timeout: .zero) == 2)
    }

    @Test func failuresPassAlongTheChain() throws {
        let source = Future<Int>()
        let ran = Counter()
        let derived = source.map { value -> Int in
            ran.increment(); return value
        }.map { $0 + 1 }
        try source.setError(TestError(tag: 5))
        #expect(throws: TestError(tag: 5)) { try derived.result() }
        #expect(ran.count == 0)
        let throwing = Future<Int>()
        let failed = throwing.map { _ -> Int in throw TestError(tag: 6) }
        try throwing.setResult(0)
        #expect(throws: TestError(tag: 6)) { try failed.result() }
    }

    @Test func cancellingTheSourceCancelsTheDerived() throws {
        let source = Future<Int>()
        let derived = source.map { $0 }.flatMap { _ in Future<Int>() }
        source.cancel()
        #expect(derived.isCancelled)
        #expect(throws: FutureError.cancelled) { try derived.result() }
    }

    @Test func cancellingThePendingDerivedCancelsAPendingSource() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let holdWorker = Gate()
        let ran = Counter()
        _ = try pool.submit { holdWorker.wait() }
        let source = try pool.submit { ran.increment() }
        let derived = source.map { _ in ran.increment() }
        #expect(derived.cancel())
        #expect(source.isCancelled)
        holdWorker.open()
        pool.shutdown(wait: true)
        #expect(ran.count == 0)
    }

    @Test func cancellingTheDerivedLeavesARunningSourceAndSkipsTheTransform() throws {
        let source = Future<Int>()
        #expect(try source.setRunningOrNotifyCancel())
        let ran = Counter()
        let derived = source.map { value -> Int in
            ran.increment(); return value
        }
        #expect(derived.cancel())
        #expect(source.state == .running)
        try source.setResult(1)
        #expect(derived.isCancelled)
        #expect(ran.count == 0)
    }

    @Test func flatMapPassesTheInnerFailureAndCancellation() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let failing = try pool.submit { 1 }.flatMap { _ in
            try pool.submit { () throws -> Int in throw TestError(tag: 9) }
        }
        #expect(throws: TestError(tag: 9)) { try failing.result(timeout: .seconds(30)) }
        let inner = Future<Int>()
        let outer = Future<Int>()
        let derived = outer.flatMap { _ in inner }
        try outer.setResult(0)
        #expect(derived.state == .running)
        inner.cancel()
        #expect(throws: FutureError.cancelled) { try derived.result() }
        let throwing = try pool.submit { 1 }.flatMap { _ -> Future<Int> in throw TestError(tag: 10) }
        #expect(throws: TestError(tag: 10)) { try throwing.result(timeout: .seconds(30)) }
    }
}
