import Foundation
import Testing

@testable import Futures

/// `lazyMap(_:timeout:…)` and `unorderedMap(_:timeout:…)`: one deadline from the call; a wait past it
/// throws `FutureError.timedOut`, cancels what has not started, asks what runs to stop, and ends the
/// stream; results already done are handed out first.
@Suite("Streaming maps with a timeout")
struct StreamingMapTimeoutTests {
    /// A one-worker pool whose item `held` blocks the worker until it is asked to stop (its cancellation
    /// handler opens the gate it waits on), or until the test lets it go. Items after it can run only if
    /// the timeout failed to cancel them.
    private final class HeldItem: Sendable {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let ran = Recorder<Int>()
        let asked = Recorder<Int>()
        let release = Gate()
        let held: Int

        init(held: Int) { self.held = held }

        func work(_ item: Int) -> Int {
            ran.append(item)
            if item == held {
                _ = CurrentWork.withCancellationHandler {
                    release.wait()
                } onCancel: { [release] in
                    release.open()
                }
                if CurrentWork.isCancellationRequested { asked.append(item) }
            }
            return item
        }

        /// `lazyMap` (`ordered`) or `unorderedMap` of 0..<100 with `timeout`, buffer 4, over ``work(_:)``.
        func stream(ordered: Bool, timeout: Duration) -> StreamingMap<Range<Int>, Int> {
            ordered
                ? pool.lazyMap(0..<100, timeout: timeout, bufferSize: 4) { self.work($0) }
                : pool.unorderedMap(0..<100, timeout: timeout, bufferSize: 4) { self.work($0) }
        }

        /// Lets the held item go (if the timeout did not) and waits for the pool to end.
        func finish() -> (ran: [Int], asked: [Int]) {
            release.open()
            pool.shutdown(wait: true)
            return (ran.values, asked.values)
        }
    }

    @Test(arguments: [true, false])
    func aWaitPastTheDeadlineThrowsAndCancelsTheRest(ordered: Bool) throws {
        let held = HeldItem(held: 0)
        let stream = held.stream(ordered: ordered, timeout: .milliseconds(50))
        var iterator = stream.makeIterator()
        #expect(throws: FutureError.timedOut) { try iterator.next() }
        #expect(try iterator.next() == nil)
        let (ran, asked) = held.finish()
        #expect(ran == [0], "the items after the held one were cancelled")
        #expect(asked == [0], "the running item was asked to stop")
    }

    @Test(arguments: [true, false])
    func theResultsYieldTheTimeoutOnceAndEnd(ordered: Bool) throws {
        let held = HeldItem(held: 0)
        let stream = held.stream(ordered: ordered, timeout: .milliseconds(20))
        let results = Array(stream.results)
        #expect(results.count == 1)
        #expect(throws: FutureError.timedOut) { try results.first?.get() }
        #expect(held.finish().ran == [0])
    }

    @Test(arguments: [true, false])
    func asyncIterationThrowsAtTheDeadline(ordered: Bool) async throws {
        let held = HeldItem(held: 0)
        let stream = held.stream(ordered: ordered, timeout: .milliseconds(50))
        var taken = 0
        await #expect(throws: FutureError.timedOut) {
            for try await _ in stream { taken += 1 }
        }
        #expect(taken == 0)
        let pool = held.pool
        held.release.open()
        await pool.shutdown()
        #expect(held.ran.values == [0])
        #expect(held.asked.values == [0])
    }

    @Test(arguments: [true, false])
    func anAsyncSequenceInputTimesOutToo(ordered: Bool) async throws {
        let held = HeldItem(held: 0)
        let (input, continuation) = AsyncStream.makeStream(of: Int.self)
        for item in 0..<10 { continuation.yield(item) }
        continuation.finish()
        let stream =
            ordered
            ? held.pool.lazyMap(input, timeout: .milliseconds(50), bufferSize: 4) { held.work($0) }
            : held.pool.unorderedMap(input, timeout: .milliseconds(50), bufferSize: 4) { held.work($0) }
        var values: [Int] = []
        await #expect(throws: FutureError.timedOut) {
            for try await value in stream { values.append(value) }
        }
        #expect(values.isEmpty)
        held.release.open()
        await held.pool.shutdown()
        #expect(held.ran.values == [0])
        #expect(held.asked.values == [0])
    }

    /// A deadline that has passed at the first `next()` submits nothing and throws at once.
    @Test(arguments: [true, false])
    func aZeroTimeoutRunsNothing(ordered: Bool) throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown() }
        let ran = Counter()
        let stream =
            ordered
            ? pool.lazyMap(0..<10, timeout: .zero) { ran.increment() + $0 }
            : pool.unorderedMap(0..<10, timeout: .zero) { ran.increment() + $0 }
        var iterator = stream.makeIterator()
        #expect(throws: FutureError.timedOut) { try iterator.next() }
        #expect(try iterator.next() == nil)
        #expect(pool.statistics.submitted == 0)
        #expect(ran.count == 0)
    }

    /// Results done before the deadline are handed out after it; then the stream times out instead of
    /// submitting more input. (The deadline is wide: the first result must come before it.)
    @Test(arguments: [true, false])
    func resultsDoneBeforeTheDeadlineAreHandedOutAfterIt(ordered: Bool) throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let stream =
            ordered
            ? pool.lazyMap(0..<100, timeout: .seconds(1), bufferSize: 4) { $0 }
            : pool.unorderedMap(0..<100, timeout: .seconds(1), bufferSize: 4) { $0 }
        var iterator = stream.makeIterator()
        var values = [try #require(try iterator.next())]
        pool.shutdown(wait: true)  // the other three items submitted by the first next() are done
        // Not a rendezvous (`shutdown(wait: true)` above is): the clock must pass the stream's deadline, and
        // only time does that.
        let deadline = try #require(stream.deadline)
        while !deadline.hasPassed { Thread.sleep(forTimeInterval: Double(deadline.remaining.clampedNanoseconds) / 1e9) }
        for _ in 1..<4 { values.append(try #require(try iterator.next())) }
        #expect(values.sorted() == [0, 1, 2, 3])
        #expect(throws: FutureError.timedOut) { try iterator.next() }
        #expect(try iterator.next() == nil)
    }

    /// A stream whose input ends before the deadline ends as any other.
    @Test func aStreamDoneBeforeTheDeadlineEndsNormally() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        var values: [Int] = []
        for try await value in pool.lazyMap(0..<50, timeout: .seconds(60), { $0 * 2 }) { values.append(value) }
        #expect(values == (0..<50).map { $0 * 2 })
        await pool.shutdown()
    }
}
