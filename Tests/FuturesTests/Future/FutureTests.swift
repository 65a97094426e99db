import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Futures

@Suite("Future")
struct FutureTests {
    // MARK: Transitions through the public API

    @Test func producerSetsResultWithoutRunning() throws {
        let future = Future<Int>()
        #expect(future.state == .pending)
        try future.setResult(5)
        #expect(future.state == .finished)
        #expect(try future.result() == 5)
        #expect(try future.error() == nil)
    }

    @Test func runningThenError() throws {
        let future = Future<Int>()
        #expect(try future.setRunningOrNotifyCancel())
        #expect(future.isRunning)
        #expect(!future.cancel())
        try future.setError(TestError(tag: 3))
        #expect(future.isDone)
        #expect(throws: TestError(tag: 3)) { try future.result() }
        #expect(try future.error() as? TestError == TestError(tag: 3))
    }

    @Test func aZeroTimeoutPollsOnceWithoutSpinningAndABlockedWaitSpinsABoundedNumberOfTimes() throws {
        #if DEBUG
            let pending = Future<Int>()
            let (_, polled) = OperationCounters.counting {
                #expect(throws: FutureError.timedOut) { try pending.result(timeout: .zero) }
            }
            #expect(polled.statusReads <= 1, "a zero timeout reads the status at most once: \(polled.statusReads)")
            let (_, waited) = OperationCounters.counting {
                #expect(throws: FutureError.timedOut) { try pending.result(timeout: .milliseconds(1)) }
            }
            #expect(
                waited.statusReads <= WaiterSpin.checks + 4,
                "a blocked wait checks at most \(WaiterSpin.checks) times before it sleeps: \(waited.statusReads)")
        #endif
    }

    @Test func cancelledFutureThrowsCancelled() throws {
        let future = Future<Int>()
        #expect(future.cancel())
        #expect(future.cancel(), "cancelling again still reports cancelled")
        #expect(future.isCancelled && future.isDone)
        #expect(throws: FutureError.cancelled) { try future.result() }
        #expect(throws: FutureError.cancelled) { try future.error() }
        #expect(try !future.setRunningOrNotifyCancel())
    }

    @Test func everyInvalidTransitionNamesTheState() throws {
        let finished = Future<Int>()
        try finished.setResult(1)
        #expect(throws: FutureError.invalidState("setResult(_:) on a future that is already finished")) {
            try finished.setResult(2)
        }
        #expect(throws: FutureError.invalidState("setError(_:) on a future that is already finished")) {
            try finished.setError(TestError())
        }
        #expect(throws: FutureError.invalidState("setRunningOrNotifyCancel() on a future that is finished")) {
            try finished.setRunningOrNotifyCancel()
        }
        let cancelled = Future<Int>()
        cancelled.cancel()
        #expect(throws: FutureError.invalidState("setResult(_:) on a future that is already cancelled")) {
            try cancelled.setResult(2)
        }
        let running = Future<Int>()
        _ = try running.setRunningOrNotifyCancel()
        #expect(throws: FutureError.invalidState("setRunningOrNotifyCancel() on a future that is running")) {
            try running.setRunningOrNotifyCancel()
        }
        #expect(try finished.result() == 1, "a refused transition changes nothing")
    }

    @Test func errorsHaveReadableDescriptions() {
        #expect(FutureError.cancelled.description.contains("cancelled"))
        #expect(FutureError.timedOut.description.contains("time"))
        #expect(FutureError.invalidState("x on y").description.contains("x on y"))
        #expect(ExecutorError.shutDown.description.contains("shutdown"))
        #expect(ExecutorError.broken("init failed").description.contains("init failed"))
    }

    @Test func identityEquality() {
        let a = Future<Int>(), b = Future<Int>()
        #expect(a == a && a != b)
        #expect(Set([a, a, b]).count == 2)
    }

    // MARK: Callbacks

    @Test func callbacksRunOnceInOrderOnTheCompletingThread() throws {
        let future = Future<Int>()
        let order = Recorder<Int>()
        for index in 0..<5 { future.addDoneCallback { _ in order.append(index) } }
        try future.setResult(1)
        #expect(order.values == [0, 1, 2, 3, 4], "ran before setResult returned, in order")
        #expect(throws: FutureError.self) { try future.setResult(2) }
        #expect(order.values.count == 5, "ran exactly once")
    }

    @Test func callbackOnDoneFutureRunsAtOnce() throws {
        let future = Future<Int>()
        try future.setResult(1)
        let ran = Counter()
        future.addDoneCallback { _ in ran.increment() }
        #expect(ran.count == 1)
    }

    @Test func callbacksRunOnCancel() {
        let future = Future<Int>()
        let states = Recorder<Future<Int>.State>()
        future.addDoneCallback { states.append($0.state) }
        future.cancel()
        #expect(states.values == [.cancelled])
    }

    @Test func callbackMayReadAndAddOnItsOwnFuture() throws {
        let future = Future<Int>()
        let seen = Recorder<String>()
        future.addDoneCallback { f in
            seen.append("result \((try? f.result()) ?? -1)")
            f.addDoneCallback { _ in seen.append("nested") }
        }
        try future.setResult(9)
        #expect(seen.values == ["result 9", "nested"])
    }

    @Test func callbackFromAnotherThreadSeesTheResult() throws {
        let future = Future<Int>()
        let gate = Gate()
        future.addDoneCallback { f in
            if (try? f.result()) == 4 { gate.open() }
        }
        DispatchQueue.global().async { try? future.setResult(4) }
        #expect(gate.wait())
    }

    // MARK: Waiting and timeouts

    @Test func resultWaitsForAnotherThread() throws {
        let future = Future<String>()
        DispatchQueue.global().async { try? future.setResult("hello") }
        #expect(try future.result(timeout: .seconds(30)) == "hello")
    }

    @Test func timeoutLeavesTheStateAlone() throws {
        let future = Future<Int>()
        _ = try future.setRunningOrNotifyCancel()
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: FutureError.timedOut) { try future.result(timeout: .milliseconds(50)) }
        #expect(clock.now - start >= .milliseconds(50), "never returns early")
        #expect(throws: FutureError.timedOut) { try future.error(timeout: .milliseconds(10)) }
        #expect(future.state == .running)
        try future.setResult(3)
        #expect(try future.result() == 3)
    }

    @Test(arguments: [Duration.zero, .milliseconds(-5)])
    func zeroOrNegativeTimeoutPollsOnce(_ timeout: Duration) throws {
        let pending = Future<Int>()
        #expect(throws: FutureError.timedOut) { try pending.result(timeout: timeout) }
        let done = Future<Int>()
        try done.setResult(1)
        #expect(try done.result(timeout: timeout) == 1)
    }

    @Test func cancelWakesABlockedWaiter() throws {
        let future = Future<Int>()
        let waiting = Gate()
        let outcome = Future<Bool>()
        Thread.detachNewThread {
            waiting.open()
            do {
                _ = try future.result()
                try? outcome.setResult(false)
            } catch FutureError.cancelled {
                try? outcome.setResult(true)
            } catch {
                try? outcome.setResult(false)
            }
        }
        waiting.wait()
        future.cancel()
        #expect(try outcome.result(timeout: .seconds(30)))
    }

    // MARK: Async

    @Test func valueAwaitsWithoutBlocking() async throws {
        let future = Future<Int>()
        DispatchQueue.global().async { try? future.setResult(11) }
        #expect(try await future.value == 11)
    }

    @Test func valueRethrowsTheWorksError() async {
        let future = Future<Int>()
        try? future.setError(TestError(tag: 2))
        await #expect(throws: TestError(tag: 2)) { try await future.value }
    }

    @Test func cancellingTheAwaitingTaskEndsTheAwaitButNotTheFuture() async throws {
        let future = Future<Int>()
        let task = Task { try await future.value }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(future.state == .pending, "the future itself is not cancelled")
        try future.setResult(1)
        #expect(try await future.value == 1)
    }

    @Test func cancelledFutureValueThrowsCancelled() async {
        let future = Future<Int>()
        future.cancel()
        await #expect(throws: FutureError.cancelled) { try await future.value }
    }

    // MARK: Races

    /// Several threads at once cancel, set results, wait and add callbacks on thousands of futures: every
    /// future ends in exactly one terminal state, and every callback runs exactly once.
    @Test func raceOfCancelSetWaitAndCallbacks() throws {
        let count = 4_000
        let futures = (0..<count).map { _ in Future<Int>() }
        let callbacksRun = Counter()
        let callbacksAdded = Counter()
        let wins = Counter()
        let start = Gate()
        let done = DispatchGroup()
        for role in 0..<4 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                start.wait()
                for (index, future) in futures.enumerated() {
                    switch (role + index) % 4 {
                    case 0: if future.cancel() && future.isCancelled { _ = 0 }
                    case 1: if (try? future.setResult(index)) != nil { wins.increment() }
                    case 2:
                        callbacksAdded.increment()
                        future.addDoneCallback { _ in callbacksRun.increment() }
                    default: _ = try? future.result(timeout: .microseconds(50))
                    }
                }
            }
        }
        start.open()
        #expect(done.wait(timeout: .now() + 60) == .success)
        // Finish whatever no thread finished, then count terminal states.
        for future in futures where !future.isDone { future.cancel() }
        let finished = futures.filter { $0.state == .finished }.count
        let cancelled = futures.filter { $0.state == .cancelled }.count
        #expect(finished + cancelled == count)
        #expect(finished == wins.count, "each finished future was set exactly once")
        #expect(callbacksRun.count == callbacksAdded.count)
    }

    // MARK: Memory

    /// A pending `Future<Int>` with no waiters and no callbacks costs at most 128 bytes of heap.
    @Test func pendingFutureHeapSize() {
        let future = Future<Int>()
        let bytes = allocationSize(Unmanaged.passUnretained(future).toOpaque())
        #expect(bytes <= 128, "a pending Future<Int> uses \(bytes) bytes")
        withExtendedLifetime(future) {}
    }
}
