import Foundation
import Synchronization
import Testing

@testable import Futures

/// An endless sequence of 0, 1, 2, … that counts how many items were pulled from it.
private struct CountingNaturals: Sequence, Sendable {
    let pulled: Counter

    func makeIterator() -> AnyIterator<Int> {
        let pulled = self.pulled
        return AnyIterator { pulled.increment() - 1 }
    }
}

@Suite("lazyMap and unorderedMap")
struct StreamingMapTests {
    // MARK: Bounded memory

    @Test(arguments: [1, 4, 16])
    func infiniteInputStopsWithBoundedBuffer(bufferSize: Int) throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        defer { pool.shutdown() }
        let pulled = Counter()
        let consumed = Atomic<Int>(0)
        let overBound = Counter()
        let stream = pool.lazyMap(CountingNaturals(pulled: pulled), bufferSize: bufferSize) { item -> Int in
            // Submitted only while fewer than bufferSize items are submitted and not consumed.
            if item >= consumed.load(ordering: .acquiring) + bufferSize { overBound.increment() }
            return item * 2
        }
        var iterator = stream.makeIterator()
        for expected in 0..<1_000 {
            let value = try iterator.next()
            #expect(value == expected * 2)
            consumed.add(1, ordering: .releasing)
            #expect(pulled.count - consumed.load(ordering: .relaxed) <= bufferSize)
        }
        #expect(pulled.count <= 1_000 + bufferSize)
        #expect(overBound.count == 0)
    }

    /// The buffer is topped up in bursts: filled to `bufferSize` by the first `next()`, then again each time
    /// half of it has been handed out, never below half while input remains.
    @Test(arguments: [1, 2, 8, 9])
    func theBufferRefillsInBurstsFromHalfEmpty(bufferSize: Int) throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown() }
        let pulled = Counter()
        var iterator = pool.lazyMap(CountingNaturals(pulled: pulled), bufferSize: bufferSize) { $0 }.makeIterator()
        var inFlight = 0
        for taken in 1...40 {
            // What `next()` does: top up to `bufferSize` when at most half is left, then take one.
            if inFlight <= bufferSize / 2 { inFlight = bufferSize }
            inFlight -= 1
            #expect(try iterator.next() == taken - 1)
            #expect(pulled.count == taken + inFlight, "after \(taken) taken")
            #expect(pulled.count - taken >= (bufferSize - 1) / 2, "at least half stays in flight")
        }
    }

    @Test func infiniteInputAsync() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let pulled = Counter()
        let bufferSize = 8
        var taken = 0
        for try await value in pool.lazyMap(CountingNaturals(pulled: pulled), bufferSize: bufferSize, { $0 + 1 }) {
            #expect(value == taken + 1)
            taken += 1
            #expect(pulled.count - taken <= bufferSize)
            if taken == 1_000 { break }
        }
        #expect(taken == 1_000)
        #expect(pulled.count <= 1_000 + bufferSize)
        await pool.shutdown()
    }

    @Test func unorderedInfiniteInputStaysBounded() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        defer { pool.shutdown() }
        let pulled = Counter()
        let bufferSize = 6
        var seen = Set<Int>()
        var iterator = pool.unorderedMap(CountingNaturals(pulled: pulled), bufferSize: bufferSize) { $0 }.makeIterator()
        while seen.count < 1_000, let value = try iterator.next() {
            seen.insert(value)
            #expect(pulled.count - seen.count <= bufferSize)
        }
        #expect(seen.count == 1_000)
        #expect(seen.allSatisfy { $0 < 1_000 + bufferSize })
    }

    @Test func nothingIsSubmittedBeforeTheFirstNext() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown() }
        let pulled = Counter()
        let stream = pool.lazyMap(CountingNaturals(pulled: pulled), bufferSize: 3) { $0 }
        #expect(pulled.count == 0)
        var iterator = stream.makeIterator()
        #expect(try iterator.next() == 0)
        #expect(pulled.count == 3)
    }

    // MARK: Order and failures

    @Test func orderIsKeptWhenLaterItemsFinishFirst() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        defer { pool.shutdown() }
        let lastFinished = Gate()
        let values = try collect(
            pool.lazyMap(0..<12, bufferSize: 4) { item -> Int in
                if item == 0 { lastFinished.wait() }  // item 0 finishes after item 3
                if item == 3 { lastFinished.open() }
                return item
            })
        #expect(values == Array(0..<12))
    }

    @Test func failureSurfacesAtItsPositionAndEndsTheStream() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 3)
        defer { pool.shutdown() }
        var iterator = pool.lazyMap(0..<10, bufferSize: 4) { item -> Int in
            if item == 3 { throw TestError(tag: 3) }
            return item
        }.makeIterator()
        #expect(try iterator.next() == 0)
        #expect(try iterator.next() == 1)
        #expect(try iterator.next() == 2)
        #expect(throws: TestError(tag: 3)) { try iterator.next() }
        #expect(try iterator.next() == nil)
    }

    @Test func resultsKeepGoingAfterFailures() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 3)
        defer { pool.shutdown() }
        let stream = pool.lazyMap(0..<20, bufferSize: 4) { item -> Int in
            if item % 3 == 1 { throw TestError(tag: item) }
            return item
        }
        var outcomes: [String] = []
        for result in stream.results {
            switch result {
            case .success(let value): outcomes.append("v\(value)")
            case .failure(let error): outcomes.append("e\((error as? TestError)?.tag ?? -1)")
            }
        }
        #expect(outcomes == (0..<20).map { $0 % 3 == 1 ? "e\($0)" : "v\($0)" })
    }

    @Test func asyncResultsKeepGoingAfterFailures() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 3)
        var failures = 0, values = 0
        for try await result in pool.unorderedMap(
            0..<20, bufferSize: 4,
            { item -> Int in
                if item.isMultiple(of: 2) { throw TestError(tag: item) }
                return item
            }
        ).results {
            if case .success = result { values += 1 } else { failures += 1 }
        }
        #expect(values == 10 && failures == 10)
        await pool.shutdown()
    }

    // MARK: Leaving early cancels the rest

    /// A one-worker pool where item 1 holds the worker on a gate, so items 2 and 3 (in the buffer) can
    /// only run if leaving the loop failed to cancel them. Item 1 may or may not start before the loop
    /// is left: if its cancelling comes first, the worker is free, and only cancelling newest first keeps
    /// it from reaching item 2 or 3 between their cancellations (the items ran [0, 2, 3] once, under the
    /// thread sanitizer, when the buffer cancelled oldest first).
    private func leaveEarly(
        _ leave: (StreamingMap<Range<Int>, Int>) throws -> Void, itemZeroThrows: Bool = false
    ) throws -> (ran: [Int], pulledMax: Int) {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let holdWorker = Gate()
        let ran = Recorder<Int>()
        let stream = pool.lazyMap(0..<100, bufferSize: 4) { item -> Int in
            ran.append(item)
            if item == 0, itemZeroThrows { throw TestError(tag: 0) }
            if item == 1 { holdWorker.wait() }
            return item
        }
        try leave(stream)
        holdWorker.open()
        pool.shutdown(wait: true)
        return (ran.values, ran.values.max() ?? -1)
    }

    @Test func breakCancelsTheItemsNotStarted() throws {
        let (ran, _) = try leaveEarly { stream throws in
            for result in stream.results {
                #expect(try result.get() == 0)
                break
            }
        }
        #expect(ran.allSatisfy { $0 <= 1 }, "items 2 and 3 were cancelled, ran \(ran)")
    }

    @Test func throwingFromTheLoopCancelsTheItemsNotStarted() throws {
        let (ran, _) = try leaveEarly { stream throws in
            #expect(throws: TestError(tag: 99)) {
                try stream.forEach { _ in throw TestError(tag: 99) }
            }
        }
        #expect(ran.allSatisfy { $0 <= 1 }, "ran \(ran)")
    }

    @Test func aFailingItemCancelsTheItemsNotStarted() throws {
        let (ran, _) = try leaveEarly(
            { stream throws in
                var iterator = stream.makeIterator()
                #expect(throws: TestError(tag: 0)) { try iterator.next() }
                #expect(try iterator.next() == nil)
            }, itemZeroThrows: true)
        #expect(ran.allSatisfy { $0 <= 1 }, "ran \(ran)")
    }

    @Test func droppingTheIteratorCancelsTheItemsNotStarted() throws {
        let (ran, _) = try leaveEarly { stream throws in
            var iterator: StreamingMap<Range<Int>, Int>.Iterator? = stream.makeIterator()
            #expect(try iterator?.next() == 0)
            iterator = nil
        }
        #expect(ran.allSatisfy { $0 <= 1 }, "ran \(ran)")
    }

    @Test func asyncBreakCancelsTheItemsNotStarted() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let holdWorker = Gate()
        let ran = Recorder<Int>()
        for try await value in pool.lazyMap(
            0..<100, bufferSize: 4,
            { item -> Int in
                ran.append(item)
                if item == 1 { holdWorker.wait() }
                return item
            })
        {
            #expect(value == 0)
            break
        }
        holdWorker.open()
        await pool.shutdown()
        #expect(ran.values.allSatisfy { $0 <= 1 }, "ran \(ran.values)")
    }

    @Test func cancellingTheConsumingTaskCancelsTheRest() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let holdWorker = Gate()
        let started = Gate()
        let ran = Recorder<Int>()
        let stream = pool.lazyMap(0..<100, bufferSize: 4) { item -> Int in
            ran.append(item)
            if item == 0 {
                started.open()
                holdWorker.wait()
            }
            return item
        }
        let consumer = Task {
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        // Not `started.wait()`: the consumer task that opens it needs a cooperative thread, and this test
        // would hold one (with another test doing the same, both: a 30-second stall of every test, seen).
        #expect(await started.waitAsync())
        consumer.cancel()
        await #expect(throws: CancellationError.self) { try await consumer.value }
        holdWorker.open()
        await pool.shutdown()
        #expect(ran.values == [0])
    }

    // MARK: Unordered

    @Test func unorderedYieldsInCompletionOrder() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 3)
        defer { pool.shutdown() }
        let gates = [Gate(), Gate(), Gate()]
        var iterator = pool.unorderedMap(0..<3, bufferSize: 3) { item -> Int in
            gates[item].wait()
            return item
        }.makeIterator()
        gates[2].open()
        #expect(try iterator.next() == 2)
        gates[0].open()
        #expect(try iterator.next() == 0)
        gates[1].open()
        #expect(try iterator.next() == 1)
        #expect(try iterator.next() == nil)
    }

    @Test func unorderedAsyncYieldsInCompletionOrder() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 3)
        let gates = [Gate(), Gate(), Gate()]
        var iterator = pool.unorderedMap(0..<3, bufferSize: 3) { item -> Int in
            gates[item].wait()
            return item
        }.makeAsyncIterator()
        gates[1].open()
        #expect(try await iterator.next() == 1)
        gates[2].open()
        #expect(try await iterator.next() == 2)
        gates[0].open()
        #expect(try await iterator.next() == 0)
        #expect(try await iterator.next() == nil)
        await pool.shutdown()
    }

    @Test func unorderedFailureSurfacesWhenItCompletes() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown() }
        let slow = Gate()
        var iterator = pool.unorderedMap(0..<2, bufferSize: 2) { item -> Int in
            if item == 0 { slow.wait() }
            if item == 1 { throw TestError(tag: 1) }
            return item
        }.makeIterator()
        #expect(throws: TestError(tag: 1)) { try iterator.next() }
        slow.open()
        #expect(try iterator.next() == nil)
    }

    @Test func unorderedOnAWorkerOfTheSamePoolDoesNotDeadlock() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let total = try pool.submit {
            try collect(pool.unorderedMap(1...10, bufferSize: 3) { $0 }).reduce(0, +)
        }.result(timeout: .seconds(30))
        #expect(total == 55)
    }

    // MARK: Async input

    @Test func asyncInfiniteInputStopsWithBoundedBuffer() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let pulled = Counter()
        let bufferSize = 5
        let input = AsyncStream<Int> { pulled.increment() - 1 }
        var taken = 0
        for try await value in pool.lazyMap(input, bufferSize: bufferSize, { $0 * 3 }) {
            #expect(value == taken * 3)
            taken += 1
            #expect(pulled.count - taken <= bufferSize)
            if taken == 1_000 { break }
        }
        #expect(pulled.count <= 1_000 + bufferSize)
        await pool.shutdown()
    }

    @Test func asyncInputErrorComesAfterTheItemsBeforeIt() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let input = AsyncThrowingStream<Int, any Error> { continuation in
            for item in 0..<3 { continuation.yield(item) }
            continuation.finish(throwing: TestError(tag: 7))
        }
        var values: [Int] = []
        await #expect(throws: TestError(tag: 7)) {
            for try await value in pool.lazyMap(input, bufferSize: 2, { $0 }) { values.append(value) }
        }
        #expect(values == [0, 1, 2])
        var outcomes: [Result<Int, any Error>] = []
        let again = AsyncThrowingStream<Int, any Error> { continuation in
            continuation.yield(1)
            continuation.finish(throwing: TestError(tag: 8))
        }
        for try await result in pool.unorderedMap(again, bufferSize: 2, { $0 }).results { outcomes.append(result) }
        #expect(outcomes.count == 2)
        #expect((try? outcomes[0].get()) == 1)
        #expect(throws: TestError(tag: 8)) { try outcomes[1].get() }
        await pool.shutdown()
    }

    @Test func asyncInputUnorderedCompletionOrder() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let gates = [Gate(), Gate()]
        let input = AsyncStream<Int> { continuation in
            continuation.yield(0)
            continuation.yield(1)
            continuation.finish()
        }
        var iterator = pool.unorderedMap(input, bufferSize: 2) { item -> Int in
            gates[item].wait()
            return item
        }.makeAsyncIterator()
        gates[1].open()
        #expect(try await iterator.next() == 1)
        gates[0].open()
        #expect(try await iterator.next() == 0)
        #expect(try await iterator.next() == nil)
        await pool.shutdown()
    }

    // MARK: Misuse and shutdown

    @Test func submitFailureAfterShutdownEndsTheStream() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        pool.shutdown()
        var iterator = pool.lazyMap(0..<5, bufferSize: 2) { $0 }.makeIterator()
        #expect(throws: ExecutorError.shutDown) { try iterator.next() }
        #expect(try iterator.next() == nil)
    }

    #if EXIT_TESTS  // exit tests exist on macOS and Linux only (see Package.swift)
        @Test func nonPositiveBufferSizeStopsTheProgram() async {
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                let pool = ThreadPoolExecutor(maxWorkers: 1)
                _ = pool.lazyMap(0..<3, bufferSize: 0) { $0 }
            }.map { result in
                let message = String(decoding: result.standardErrorContent, as: UTF8.self)
                #expect(message.contains("bufferSize must be at least 1, got 0"))
            }
        }
    #endif
}

/// Every value of a blocking stream.
@available(*, noasync)
private func collect<Input, T>(_ stream: StreamingMap<Input, T>) throws -> [T] {
    var values: [T] = []
    try stream.forEach { values.append($0) }
    return values
}
