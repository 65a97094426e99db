import Testing

@testable import Futures

/// The future's state machine, event by event, with no threads and no locks.
@Suite("FutureStateMachine")
struct FutureStateMachineTests {
    typealias Machine = FutureStateMachine<Int>

    private func machine(_ state: Future<Int>.State, work: Machine.Work? = { 1 }) -> Machine {
        var machine = Machine(work: work)
        switch state {
        case .pending: break
        case .running: _ = machine.claimWork()
        case .finished: _ = try! machine.finish(.success(7), by: "test")
        case .cancelled: _ = machine.cancel()
        }
        return machine
    }

    @Test func startsPendingWithItsWork() {
        let machine = Machine(work: { 1 })
        #expect(machine.state == .pending)
        guard case .notDone = machine.outcome else { Issue.record("a pending machine is not done"); return }
    }

    @Test func cancelPendingNotifiesAndDropsTheWork() {
        var machine = machine(.pending)
        let added1 = machine.addListener(.callback { _ in })
        #expect(added1)
        guard case .notify(let completion) = machine.cancel() else { Issue.record("cancel refused"); return }
        #expect(machine.state == .cancelled)
        #expect(completion.listeners.count == 1)
        #expect(completion.failed == false)
        #expect(completion.droppedWork != nil)
    }

    @Test func cancelIsIdempotentOnCancelled() {
        var machine = machine(.cancelled)
        guard case .alreadyCancelled = machine.cancel() else { Issue.record("expected alreadyCancelled"); return }
        #expect(machine.state == .cancelled)
    }

    @Test(arguments: [Future<Int>.State.running, .finished])
    func cancelRefusedOnceStarted(_ state: Future<Int>.State) {
        var machine = machine(state)
        guard case .refuse = machine.cancel() else { Issue.record("cancel should be refused when \(state)"); return }
        #expect(machine.state == state)
    }

    @Test func setRunningFromPending() throws {
        var machine = machine(.pending)
        let (started, dropped) = try machine.setRunningOrNotifyCancel()
        #expect(started)
        #expect(dropped != nil)
        #expect(machine.state == .running)
    }

    @Test func setRunningOnCancelledReportsFalse() throws {
        var machine = machine(.cancelled)
        let (started, _) = try machine.setRunningOrNotifyCancel()
        #expect(!started)
        #expect(machine.state == .cancelled)
    }

    @Test(arguments: [Future<Int>.State.running, .finished])
    func setRunningInvalidOnceStarted(_ state: Future<Int>.State) {
        var machine = machine(state)
        #expect(throws: FutureError.invalidState("setRunningOrNotifyCancel() on a future that is \(state)")) {
            _ = try machine.setRunningOrNotifyCancel()
        }
    }

    @Test func claimWorkOnlyOnce() {
        var machine = machine(.pending)
        let claimed2 = machine.claimWork()
        #expect(claimed2 != nil)
        #expect(machine.state == .running)
        let claimed3 = machine.claimWork()
        #expect(claimed3 == nil)
    }

    @Test func claimWorkNeedsWork() {
        var machine = Machine(work: nil)
        let claimed4 = machine.claimWork()
        #expect(claimed4 == nil)
        #expect(machine.state == .pending)
    }

    @Test(arguments: [Future<Int>.State.pending, .running])
    func finishFromPendingOrRunning(_ state: Future<Int>.State) throws {
        var machine = machine(state)
        let added5 = machine.addListener(.callback { _ in })
        #expect(added5)
        let completion = try machine.finish(.failure(TestError()), by: "setError(_:)")
        #expect(machine.state == .finished)
        #expect(completion.failed)
        #expect(completion.listeners.count == 1)
        // Finishing a pending future drops its work (a producer set the result without running it).
        #expect((completion.droppedWork != nil) == (state == .pending))
    }

    @Test(arguments: [Future<Int>.State.finished, .cancelled])
    func finishInvalidWhenDone(_ state: Future<Int>.State) {
        var machine = machine(state)
        #expect(throws: FutureError.invalidState("setResult(_:) on a future that is already \(state)")) {
            _ = try machine.finish(.success(1), by: "setResult(_:)")
        }
        #expect(machine.state == state)
    }

    @Test func listenersAreHandedBackOnceInOrder() throws {
        var machine = machine(.running)
        let parker = Parker()
        let added6 = machine.addListener(.callback { _ in })
        #expect(added6)
        let added7 = machine.addListener(.observer(parker))
        #expect(added7)
        let added8 = machine.addListener(.callback { _ in })
        #expect(added8)
        let completion = try machine.finish(.success(1), by: "test")
        #expect(completion.listeners.count == 3)
        if case .observer(let observer) = completion.listeners[1] {
            #expect(observer === parker)
        } else {
            Issue.record("order lost")
        }
        // Done: no more listeners are taken.
        let added9 = machine.addListener(.callback { _ in })
        #expect(!added9)
    }

    @Test func removeObserverTakesOnlyThatOne() throws {
        var machine = machine(.pending)
        let kept = Parker(), removed = Parker()
        _ = machine.addListener(.observer(kept))
        _ = machine.addListener(.observer(removed))
        machine.removeObserver(removed)
        let completion = try machine.finish(.success(1), by: "test")
        #expect(completion.listeners.count == 1)
    }

    @Test func outcomeOfEachState() {
        if case .cancelled = machine(.cancelled).outcome {} else { Issue.record("cancelled outcome") }
        if case .finished(.success(7)) = machine(.finished).outcome {} else { Issue.record("finished outcome") }
        if case .notDone = machine(.running).outcome {} else { Issue.record("running outcome") }
    }
}
