import Synchronization
import Testing

@testable import Futures

/// Requests to running work: ``Future/requestCancellation()``, ``CurrentWork`` and its handlers, and every
/// caller that makes the request (an awaiting task, the maps and `invokeAny`, a cancelling shutdown).
@Suite("Cancellation requests")
struct CancellationRequestTests {
    // MARK: The future's side

    @Test func aRequestToAPendingFutureCancelsItAsCancelDoes() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let release = Gate()
        let blocker = try pool.submit { release.wait() }
        let queued = try pool.submit { 1 }
        #expect(queued.requestCancellation())
        #expect(queued.isCancelled)
        #expect(queued.isCancellationRequested)
        #expect(queued.requestCancellation())  // again: still true
        release.open()
        _ = try blocker.result()
    }

    @Test func runningWorkSeesTheRequestAndCancelDoesNotMakeIt() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let started = Gate()
        let proceed = Gate()
        let seenBefore = Atomic<Bool>(true)
        let future = try pool.submit {
            seenBefore.store(CurrentWork.isCancellationRequested, ordering: .relaxed)
            started.open()
            proceed.wait()
            return CurrentWork.isCancellationRequested
        }
        #expect(started.wait())
        #expect(!future.cancel())  // Python's meaning: running work cannot be cancelled
        #expect(!future.isCancellationRequested)
        #expect(future.requestCancellation())
        #expect(future.isCancellationRequested)
        #expect(future.state == .running)
        proceed.open()
        #expect(try future.result() == true)
        let sawBeforeTheRequest = seenBefore.load(ordering: .relaxed)
        #expect(!sawBeforeTheRequest)
        #expect(future.isCancellationRequested)  // stays set once finished
        #expect(!future.requestCancellation())  // finished: too late
    }

    @Test func workThatHonoursTheRequestFinishesWithCancellationError() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let started = Gate()
        let proceed = Gate()
        let future = try pool.submit { () throws -> Int in
            started.open()
            proceed.wait()
            try CurrentWork.checkCancellation()
            return 1
        }
        #expect(started.wait())
        future.requestCancellation()
        proceed.open()
        #expect(throws: CancellationError.self) { try future.result() }
        #expect(future.state == .finished)
    }

    @Test func aRequestToAFinishedFutureIsRefused() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let future = try pool.submit { 1 }
        _ = try future.result()
        #expect(!future.requestCancellation())
        #expect(!future.isCancellationRequested)
    }

    // MARK: Handlers

    @Test func aHandlerRunsOnTheRequestingThreadBeforeTheRequestReturns() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let started = Gate()
        let unblock = Gate()
        let handlerThread = Atomic<UInt>(0)
        let future = try pool.submit {
            CurrentWork.withCancellationHandler {
                started.open()
                unblock.wait()  // the "blocking call" the handler ends
                return CurrentWork.isCancellationRequested
            } onCancel: {
                handlerThread.store(currentThreadID(), ordering: .relaxed)
                unblock.open()
            }
        }
        #expect(started.wait())
        future.requestCancellation()
        #expect(unblock.isOpen)
        let thread = handlerThread.load(ordering: .relaxed)
        #expect(thread == currentThreadID())
        #expect(try future.result() == true)
    }

    @Test func aHandlerRegisteredAfterTheRequestRunsAtOnceBeforeTheOperation() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let started = Gate()
        let proceed = Gate()
        let handled = Gate()
        let future = try pool.submit {
            started.open()
            proceed.wait()
            return CurrentWork.withCancellationHandler {
                handled.isOpen
            } onCancel: {
                handled.open()
            }
        }
        #expect(started.wait())
        future.requestCancellation()
        proceed.open()
        #expect(try future.result() == true)
    }

    @Test func aHandlerIsNeverCalledAfterItsScopeEnds() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let calls = Counter()
        let scopeEnded = Gate()
        let proceed = Gate()
        let future = try pool.submit {
            CurrentWork.withCancellationHandler {
            } onCancel: {
                calls.increment()
            }
            scopeEnded.open()
            proceed.wait()
        }
        #expect(scopeEnded.wait())
        future.requestCancellation()
        proceed.open()
        try future.result()
        #expect(calls.count == 0)
    }

    @Test func aHandlerRunsOnceWhenTheFutureAndTheShutdownBothAsk() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let unblock = Gate()
        let calls = Counter()
        let future = try pool.submit {
            CurrentWork.withCancellationHandler {
                started.open()
                unblock.wait()
            } onCancel: {
                calls.increment()
                unblock.open()
            }
        }
        #expect(started.wait())
        future.requestCancellation()
        pool.shutdown(wait: true, cancelFutures: true)
        try future.result()
        #expect(calls.count == 1)
    }

    // MARK: Who makes the request

    @Test func cancellingTheTaskThatAwaitsRunAsksTheWorkToStop() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let task = Task {
            try await pool.run {
                started.open()
                return waitForRequest()
            }
        }
        #expect(await started.waitAsync())
        task.cancel()
        #expect(try await task.value == true)
        await pool.shutdown()
    }

    @Test func aMapThatTimesOutAsksItsRunningWorkToStop() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown() }
        let stopped = Gate()
        #expect(throws: FutureError.timedOut) {
            _ = try pool.map([0], timeout: .milliseconds(50), chunkSize: 1) { _ in
                CurrentWork.withCancellationHandler {
                    stopped.wait()
                } onCancel: {
                    stopped.open()
                }
            }
        }
        #expect(stopped.isOpen)  // the handler ran before map threw
    }

    @Test func invokeAnyAsksTheLosersToStop() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown() }
        let loserStarted = Gate()
        let loserStopped = Gate()
        let winner = try pool.invokeAny(
            {
                loserStarted.wait()
                return 1
            },
            {
                CurrentWork.withCancellationHandler {
                    loserStarted.open()
                    loserStopped.wait()
                    return 2
                } onCancel: {
                    loserStopped.open()
                }
            })
        #expect(winner == 1)
        #expect(loserStopped.isOpen)
    }

    @Test func aCancellingShutdownAsksRunningWorkToStop() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let started = Gate()
        let unblock = Gate()
        let future = try pool.submit {
            CurrentWork.withCancellationHandler {
                started.open()
                unblock.wait()
                return CurrentWork.isCancellationRequested
            } onCancel: {
                unblock.open()
            }
        }
        let queued = try pool.submit { false }
        #expect(started.wait())
        pool.shutdown(wait: false, cancelFutures: true)
        #expect(queued.isCancelled)
        #expect(try future.result() == true)
        pool.shutdown()
    }

    // MARK: Where the work runs

    @Test func workRunInlineForAWaitingTaskLeavesTheWaitersRequestInPlace() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let ready = Gate()
        let proceed = Gate()
        let outer = try pool.submit { () throws -> Bool in
            // One worker: the inner task runs inline on this thread, as the running work.
            let inner = try pool.submit { CurrentWork.isCancellationRequested }
            let innerSaw = try inner.result()
            ready.open()
            proceed.wait()
            return !innerSaw && CurrentWork.isCancellationRequested
        }
        #expect(ready.wait())
        outer.requestCancellation()
        proceed.open()
        #expect(try outer.result() == true)
    }

    @Test func outsidePoolWorkNothingIsRequestedAndNoHandlerRuns() {
        #expect(!CurrentWork.isCancellationRequested)
        let calls = Counter()
        let value = CurrentWork.withCancellationHandler {
            7
        } onCancel: {
            calls.increment()
        }
        #expect(value == 7)
        #expect(calls.count == 0)
    }

    @Test func aJobOnThePoolSeesItsTasksCancellation() async {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let proceed = Gate()
        let task = Task {
            await withTaskExecutorPreference(pool) {
                _ = await proceed.waitAsync()
                return CurrentWork.isCancellationRequested
            }
        }
        task.cancel()
        proceed.open()
        #expect(await task.value)
        await pool.shutdown()
    }

    // MARK: The state machine

    @Test func theMachineRecordsRequestsAndHandsBackHandlersOnce() {
        var machine = FutureStateMachine<Int>(work: { 1 })
        _ = machine.claimWork()
        let handler = CancellationHandler {}
        let added = machine.addCancellationHandler(handler)
        #expect(added)
        #expect(machine.summary & FutureStateMachine<Int>.cancellationRequestedBit == 0)
        guard case .runHandlers(let handlers) = machine.requestCancellation() else {
            Issue.record("expected the handlers")
            return
        }
        #expect(handlers.count == 1 && handlers[0] === handler)
        #expect(machine.summary & FutureStateMachine<Int>.cancellationRequestedBit != 0)
        guard case .alreadyRequested = machine.requestCancellation() else {
            Issue.record("expected alreadyRequested")
            return
        }
        let addedLate = machine.addCancellationHandler(CancellationHandler {})
        #expect(!addedLate)
        #expect(machine.listeners.isEmpty)
    }

    @Test func anExpiredPendingFutureFailsUnreportedAndARunningOneIsAsked() {
        var pending = FutureStateMachine<Int>(work: { 1 })
        let error = DeadlineExceededError(deadline: .now)
        guard case .failed(let completion) = pending.expire(error) else {
            Issue.record("expected failed")
            return
        }
        #expect(completion.failed)
        #expect(pending.endedUnstarted)
        #expect(pending.unretrievedError == nil)
        let work = pending.claimWork()
        #expect(work == nil)

        var running = FutureStateMachine<Int>(work: { 1 })
        _ = running.claimWork()
        guard case .request(.runHandlers) = running.expire(error) else {
            Issue.record("expected a request")
            return
        }
        #expect(running.cancellationRequested)
        #expect(running.state == .running)
    }
}

/// Blocks until the running work is asked to stop, woken by its own handler (no polling), and returns
/// whether it was.
private func waitForRequest() -> Bool {
    let asked = Gate()
    return CurrentWork.withCancellationHandler {
        asked.wait()
    } onCancel: {
        asked.open()
    }
}
