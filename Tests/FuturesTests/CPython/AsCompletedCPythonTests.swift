// Ports of CPython's Lib/test/test_concurrent_futures/test_as_completed.py (AsCompletedTests) to Swift
// Testing, run against ThreadPoolExecutor(maxWorkers: 5) as CPython's ThreadPoolMixin does.
// Each @Test's display name is the CPython test it ports; the fixtures are CPyFW (FutureCPythonTests.swift).
//
// Skipped CPython cases:
// - The InterpreterPool and ProcessPoolFork/Forkserver/Spawn variants of every case: we have no
//   interpreter or process pools. Every case of AsCompletedTests itself is ported for the thread pool.
// - test_correct_timeout_exception_msg is ported without its message check: our timeout is the plain
//   FutureError.timedOut, with no "2 (of 4) futures unfinished" text.
//
// Where SPEC.md differs from CPython, SPEC.md wins: a cancelled future is done at once (cpython #92001), and
// asCompleted with a timeout is `asCompleted(_:timeout:)` (sync iterator, forEach, or `for try await`),
// which throws FutureError.timedOut when time runs out.
//
// Our extras (not in CPython): done futures come first; duplicates yielded once; futures of mixed value
// types through AnyFuture; `for try await`; a cancel that wakes the iteration; and asCompleted with a
// timeout in all three forms throwing FutureError.timedOut while the work goes on.

import Futures
import Testing

/// A weak reference, for checking that asCompleted keeps no yielded future alive.
private final class CPyFWWeak: @unchecked Sendable {
    weak var future: Future<Int>?
    init(_ future: Future<Int>) { self.future = future }
}

/// Takes the next future from `next`, removes it from `list` and returns only a weak reference to it,
/// so the caller holds no strong reference once this returns (CPython's `del future`).
private func cpyFWTakeNext(
    _ next: () throws -> Future<Int>?, removingFrom list: inout [Future<Int>]
) rethrows -> CPyFWWeak? {
    guard let future = try next() else { return nil }
    list.removeAll { $0 === future }
    return CPyFWWeak(future)
}

@Suite("CPython test_as_completed.py")
struct AsCompletedCPythonTests {
    @Test("test_no_timeout")
    func noTimeout() throws {
        try CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let future1 = try pool.submit { 2 * 21 }
            let future2 = try pool.submit { 7 * 6 }
            let all = [fx.cancelledAndNotified, fx.exception, fx.successful, future1, future2]

            var completed: [Future<Int>] = []
            for f in asCompleted(all) {
                #expect(f.isDone)
                completed.append(f)
            }

            #expect(completed.count == all.count)
            #expect(Set(completed) == Set(all))
        }
    }

    @Test("test_future_times_out", arguments: [Duration.zero, .milliseconds(100)])
    func futureTimesOut(timeout: Duration) throws {
        try CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let alreadyCompleted: Set = [fx.cancelledAndNotified, fx.exception, fx.successful]
            let event = Gate()
            defer { event.open() }
            let future = try pool.submit {
                event.wait(); return 7
            }

            var completed = Set<Future<Int>>()
            #expect(throws: FutureError.timedOut) {
                var iterator = asCompleted(alreadyCompleted.union([future]), timeout: timeout).makeIterator()
                while let f = try iterator.next() {
                    completed.insert(f)
                }
            }

            // Check that `future` wasn't completed, and that it still runs to its end.
            #expect(completed == alreadyCompleted)
            #expect(!future.isDone)
            event.open()
            #expect(try future.result() == 7)
        }
    }

    @Test("test_duplicate_futures")
    func duplicateFutures() throws {
        // Issue 20367 (no duplicate yields) and #31641 (any sequence, here a repeatElement).
        try CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let event = Gate()
            defer { event.open() }
            let future1 = try pool.submit {
                event.wait(); return 1
            }

            // The done fixture comes first, so future1 is surely still pending when the iteration
            // has started; then it completes.
            var iterator = asCompleted([fx.successful] + repeatElement(future1, count: 3)).makeIterator()
            #expect(iterator.next() === fx.successful)
            event.open()
            #expect(iterator.next() === future1)
            #expect(iterator.next() == nil)

            // Already-done duplicates.
            #expect(Array(asCompleted(repeatElement(fx.successful, count: 3))) == [fx.successful])
        }
    }

    @Test("test_free_reference_yielded_future")
    func freeReferenceYieldedFuture() throws {
        // Issue #14406: the iteration must not keep references to the futures it has yielded.
        var futuresList: [Future<Int>] = (0..<8).map { _ in Future<Int>() }
        futuresList.append(try CPyFW.future(.cancelledAndNotified))
        futuresList.append(try CPyFW.future(.finished(42)))

        #expect(throws: FutureError.timedOut) {
            var iterator = asCompleted(futuresList, timeout: .zero).makeIterator()
            while let weak = try cpyFWTakeNext({ try iterator.next() }, removingFrom: &futuresList) {
                #expect(weak.future == nil)
            }
        }
        #expect(futuresList.count == 8)

        try futuresList[0].setResult(0)
        var iterator = asCompleted(futuresList).makeIterator()
        while let weak = cpyFWTakeNext({ iterator.next() }, removingFrom: &futuresList) {
            #expect(weak.future == nil)
            if let next = futuresList.first {
                try next.setResult(0)
            }
        }
        #expect(futuresList.isEmpty)
    }

    @Test("test_correct_timeout_exception_msg (without the message)")
    func correctTimeoutException() throws {
        let fx = CPyFW.Fixtures()
        let futuresList = [fx.cancelledAndNotified, fx.pending, fx.running, fx.successful]

        var yielded: [Future<Int>] = []
        #expect(throws: FutureError.timedOut) {
            try asCompleted(futuresList, timeout: .zero).forEach { yielded.append($0) }
        }
        #expect(Set(yielded) == [fx.cancelledAndNotified, fx.successful])
    }

    // MARK: Extras (SPEC.md, beyond CPython)

    @Test("done futures come first, then the others in completion order")
    func doneFuturesComeFirst() throws {
        try CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let event1 = Gate()
            let event2 = Gate()
            defer {
                event1.open()
                event2.open()
            }
            let later1 = try pool.submit {
                event1.wait(); return 1
            }
            let later2 = try pool.submit {
                event2.wait(); return 2
            }

            var iterator = asCompleted([later2, fx.successful, later1, fx.cancelled, fx.exception]).makeIterator()
            var first: Set<Future<Int>> = []
            for _ in 0..<3 {
                let next = iterator.next()
                first.insert(try #require(next))
            }
            #expect(first == [fx.successful, fx.cancelled, fx.exception])

            event1.open()
            #expect(iterator.next() === later1)
            event2.open()
            #expect(iterator.next() === later2)
            #expect(iterator.next() == nil)
        }
    }

    @Test("duplicates are yielded once, pending and done alike")
    func duplicatesYieldedOnce() throws {
        try CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let a = try pool.submit { 1 }
            let b = try pool.submit { 2 }
            let all = [a, fx.successful, b, a, fx.successful, b, a, fx.cancelled, fx.cancelled]

            let yielded = Array(asCompleted(all))

            #expect(yielded.count == 4)
            #expect(Set(yielded) == [a, b, fx.successful, fx.cancelled])
        }
    }

    @Test("duplicates are yielded once by for try await")
    func duplicatesYieldedOnceAsync() async throws {
        try await CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let a = try pool.submit { 1 }
            var yielded: [Future<Int>] = []
            for try await f in asCompleted([a, fx.successful, a, fx.successful, a]) {
                yielded.append(f)
            }
            #expect(yielded.count == 2)
            #expect(Set(yielded) == [a, fx.successful])
        }
    }

    @Test("mixed value types through AnyFuture")
    func mixedValueTypes() throws {
        try CPyFW.withPool { pool in
            let event = Gate()
            defer { event.open() }
            let number = try pool.submit { 42 }
            let text = try pool.submit {
                event.wait(); return "forty-two"
            }
            let cancelled = Future<[Int]>()
            cancelled.cancel()
            let failed = try pool.submit { () throws -> Double in throw TestError(tag: 5) }
            let all = [AnyFuture(number), AnyFuture(text), AnyFuture(cancelled), AnyFuture(failed), AnyFuture(number)]

            var iterator = asCompleted(all).makeIterator()
            var first: Set<AnyFuture> = []
            for _ in 0..<3 {
                let next = iterator.next()
                let f = try #require(next)
                #expect(f.isDone)
                first.insert(f)
            }
            // `text` cannot finish before the gate opens, so the other three come first.
            #expect(first == [AnyFuture(number), AnyFuture(cancelled), AnyFuture(failed)])
            event.open()
            let next = iterator.next()
            let last = try #require(next)
            #expect(last == AnyFuture(text))
            let sameObject = last.base === text  // outside #expect: its === expansion crashes swiftc 6.3.1
            #expect(sameObject)
            #expect(last.isDone && !last.isCancelled)
            #expect(iterator.next() == nil)
        }
    }

    @Test("for try await yields every future once")
    func forTryAwait() async throws {
        try await CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let event = Gate()
            defer { event.open() }
            let later = try pool.submit {
                event.wait(); return 1
            }
            let quick = try pool.submit { 2 }

            var yielded: [Future<Int>] = []
            for try await f in asCompleted([later, fx.successful, quick, fx.cancelled]) {
                yielded.append(f)
                if yielded.count == 3 {
                    // Only `later` is left; let it finish.
                    #expect(Set(yielded) == [fx.successful, quick, fx.cancelled])
                    event.open()
                }
            }
            #expect(yielded.count == 4)
            #expect(yielded.last === later)
        }
    }

    @Test("cancel() wakes an iteration in progress (cpython #92001)")
    func cancelWakesIteration() throws {
        let fx = CPyFW.Fixtures()
        let pending = try CPyFW.future(.pending)
        // The timeout only keeps a broken library from hanging the test run.
        var iterator = asCompleted([fx.successful, pending], timeout: .seconds(20)).makeIterator()
        #expect(try iterator.next() === fx.successful)
        let thread = startThread { pending.cancel() }
        #expect(try iterator.next() === pending)
        #expect(try iterator.next() == nil)
        thread.wait()
    }

    @Test("shutdown(cancelFutures: true) wakes an iteration in progress (cpython #92001)")
    func shutdownCancelFuturesWakesIteration() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let event = Gate()
        defer {
            event.open()
            pool.shutdown(wait: true)
        }
        let running = try pool.submit {
            started.open(); event.wait(); return 0
        }
        started.wait()
        let queued = try pool.submit { 1 }

        // The thread may cancel before or after next() starts blocking; both must yield `queued` first.
        let thread = startThread { pool.shutdown(wait: false, cancelFutures: true) }
        var iterator = asCompleted([running, queued], timeout: .seconds(20)).makeIterator()
        #expect(try iterator.next() === queued)
        #expect(queued.isCancelled)
        event.open()
        #expect(try iterator.next() === running)
        #expect(try iterator.next() == nil)
        thread.wait()
    }

    // MARK: asCompleted with a timeout: FutureError.timedOut while the work goes on

    @Test("timeout: sync iterator throws FutureError.timedOut, the work goes on")
    func timeoutSyncIterator() throws {
        try CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let event = Gate()
            defer { event.open() }
            let blocked = try pool.submit {
                event.wait(); return 7
            }

            var yielded: [Future<Int>] = []
            let start = ContinuousClock.now
            var iterator = asCompleted([blocked, fx.successful], timeout: .milliseconds(100)).makeIterator()
            #expect(throws: FutureError.timedOut) {
                while let f = try iterator.next() {
                    yielded.append(f)
                }
            }
            #expect(CPyFW.milliseconds(since: start) >= 50)
            #expect(yielded == [fx.successful])
            #expect(!blocked.isDone)
            event.open()
            #expect(try blocked.result() == 7)
        }
    }

    @Test("timeout: forEach throws FutureError.timedOut, the work goes on")
    func timeoutForEach() throws {
        try CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let event = Gate()
            defer { event.open() }
            let blocked = try pool.submit {
                event.wait(); return 7
            }

            let yielded = Recorder<Future<Int>>()
            let start = ContinuousClock.now
            #expect(throws: FutureError.timedOut) {
                try asCompleted([blocked, fx.successful, fx.exception], timeout: .milliseconds(100)).forEach {
                    yielded.append($0)
                }
            }
            #expect(CPyFW.milliseconds(since: start) >= 50)
            #expect(Set(yielded.values) == [fx.successful, fx.exception])
            #expect(yielded.values.count == 2)
            #expect(!blocked.isDone)
            event.open()
            #expect(try blocked.result() == 7)
        }
    }

    @Test("timeout: for try await throws FutureError.timedOut, the work goes on")
    func timeoutForTryAwait() async throws {
        try await CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let event = Gate()
            defer { event.open() }
            let blocked = try pool.submit {
                event.wait(); return 7
            }

            var yielded: [Future<Int>] = []
            let start = ContinuousClock.now
            await #expect(throws: FutureError.timedOut) {
                for try await f in asCompleted([blocked, fx.cancelled], timeout: .milliseconds(100)) {
                    yielded.append(f)
                }
            }
            #expect(CPyFW.milliseconds(since: start) >= 50)
            #expect(yielded == [fx.cancelled])
            #expect(!blocked.isDone)
            event.open()
            #expect(try await blocked.value == 7)
        }
    }

    @Test("timeout: not reached when every future completes in time")
    func timeoutNotReached() throws {
        try CPyFW.withPool { pool in
            let fx = CPyFW.Fixtures()
            let quick = try pool.submit { 3 }
            var yielded: [Future<Int>] = []
            var iterator = asCompleted([quick, fx.successful, quick], timeout: .seconds(20)).makeIterator()
            while let f = try iterator.next() {
                yielded.append(f)
            }
            #expect(Set(yielded) == [quick, fx.successful])
            #expect(yielded.count == 2)
        }
    }
}
