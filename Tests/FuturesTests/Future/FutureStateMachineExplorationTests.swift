import Testing

@testable import Futures

/// Every sequence of events, up to a bounded length, on a `FutureStateMachine`, with the invariants
/// checked after each step. No threads, no locks: the machine is a value, so each sequence runs on a copy.
///
/// The events are everything a future's users and its executor can do to the machine: `cancel`,
/// `setRunningOrNotifyCancel`, `claimWork`, finishing with a value or an error, adding an observer (a
/// waiter), removing the first one still registered, adding a done callback, reading the outcome
/// (`retrieveOutcome`) and giving it up (`discardOutcome`), a cancellation request (`requestCancellation`),
/// a passed deadline (`expire`), and the running work adding and removing a cancellation handler. That is
/// 14 events; every sequence of up to ``depth`` (7) of them is run, from a future made with work and from
/// one made without (`Future()`): 2 × (14⁰ + 14¹ + … + 14⁷) ≈ 229 million sequences. The exploration goes
/// breadth first and merges the sequences that reach the same state (the phase, the registered listeners by
/// kind and order, the flags and the history the invariants need), so it covers them all with 1,798
/// distinct states and 25,816 steps (each distinct state × each event), in under a second in a debug
/// build; the test prints both counts.
///
/// Invariants, after every step:
/// - the future ends exactly once: at most one event returns a completion, and a future in a terminal
///   phase has had exactly one;
/// - a cancelled future's work never runs: once cancelled, `claimWork` and `setRunningOrNotifyCancel`
///   hand out no work, and work is handed out (to run or to drop) at most once in all;
/// - every waiter is woken: the completion hands back every listener registered and not removed, in the
///   order added; after completion `addListener` refuses (the caller runs the listener itself);
/// - `summary` agrees with the phase, and only a failure nobody read carries the unread-error bit (a missed
///   deadline is never reported);
/// - a request reaches running work once: it hands back every handler registered and not removed, in
///   order, and no handler is registered after it; the request bit is set exactly when the work was asked
///   or the future cancelled; a future failed by its deadline counts as not started and never hands out
///   its work to run.
@Suite("FutureStateMachine exploration")
struct FutureStateMachineExplorationTests {
    typealias Machine = FutureStateMachine<Int>

    /// How many events each sequence has at most.
    static let depth = 7

    enum Event: CaseIterable {
        case cancel, setRunning, claimWork, succeed, fail, addObserver, removeObserver, addCallback, retrieve, discard
        case requestCancellation, expire, addHandler, removeHandler
    }

    struct Failure: Error {}

    /// An observer that counts how often it is notified.
    final class CountingObserver: CompletionObserver, @unchecked Sendable {  // touched by the one test thread only
        var notified = 0
        func futureDidComplete(_ future: ObjectIdentifier, failed: Bool) { notified += 1 }
    }

    /// The machine and the history the invariants need.
    struct World {
        var machine: Machine
        var hadWork: Bool
        var completions = 0
        var workHandedOut = 0
        var wasCancelled = false
        var retrieved = false
        var discarded = false
        /// Whether a request reached the work (or a deadline passed), and whether the deadline failed it.
        var requested = false
        var expired = false
        /// Cancellation handlers registered and neither removed nor handed back, in order.
        var handlers: [CancellationHandler] = []
        /// Listeners registered and not removed, by kind, in order: `true` for an observer.
        var registered: [Bool] = []
        var observers: [CountingObserver] = []

        /// Identifies the state for merging: everything the rest of a sequence can observe.
        var key: String {
            let phase: String
            switch machine.phase {
            case .pending(let work): phase = work == nil ? "pending" : "pending(work)"
            case .running: phase = "running"
            case .succeeded: phase = "succeeded"
            case .failed: phase = "failed"
            case .cancelled: phase = "cancelled"
            }
            let listeners = registered.map { $0 ? "o" : "c" }.joined()
            return
                "\(phase) \(listeners) \(completions) \(workHandedOut) \(wasCancelled) \(retrieved) \(discarded) \(hadWork) \(machine.errorRetrieved) \(requested) \(expired) \(handlers.count)"
        }

        mutating func completed(_ completion: Machine.Completion) {
            completions += 1
            if completion.droppedWork != nil { workHandedOut += 1 }
            // Every registered listener is handed back, in order (the attachment, if any, comes first).
            let kinds: [Bool] = completion.listeners.compactMap {
                switch $0 {
                case .observer: return true
                case .callback: return false
                case .attachment, .cancellationHandler: return nil
                }
            }
            #expect(kinds == registered, "every waiter is woken, in order")
            registered = []
        }

        mutating func apply(_ event: Event) {
            switch event {
            case .cancel:
                switch machine.cancel() {
                case .notify(let completion):
                    wasCancelled = true
                    completed(completion)
                case .alreadyCancelled: #expect(wasCancelled)
                case .refuse: #expect(!wasCancelled)
                }
            case .setRunning:
                do {
                    let (running, dropped) = try machine.setRunningOrNotifyCancel()
                    #expect(running != wasCancelled)
                    if dropped != nil { workHandedOut += 1 }
                } catch {
                    #expect(machine.state == .running || machine.state == .finished)
                }
            case .claimWork:
                if machine.claimWork() != nil {
                    #expect(!wasCancelled, "a cancelled future's work never runs")
                    workHandedOut += 1
                }
            case .succeed, .fail:
                let result: Result<Int, any Error> = event == .succeed ? .success(7) : .failure(Failure())
                do {
                    completed(try machine.finish(result, by: "finish"))
                } catch {
                    #expect(machine.state == .finished || machine.state == .cancelled)
                }
            case .addObserver:
                let observer = CountingObserver()
                if machine.addListener(.observer(observer)) {
                    registered.append(true)
                    observers.append(observer)
                } else {
                    #expect(completions == 1, "refused only once done")
                }
            case .removeObserver:
                if let observer = observers.first, let index = registered.firstIndex(of: true) {
                    machine.removeObserver(observer)
                    registered.remove(at: index)
                    observers.removeFirst()
                }
            case .addCallback:
                if machine.addListener(.callback({ _ in })) {
                    registered.append(false)
                } else {
                    #expect(completions == 1, "refused only once done")
                }
            case .retrieve:
                if case .notDone = machine.retrieveOutcome() {} else { retrieved = true }
            case .discard:
                machine.discardOutcome()
                discarded = true
            case .requestCancellation:
                let wasRunning = machine.state == .running
                switch machine.requestCancellation() {
                case .cancelled(let completion):
                    wasCancelled = true
                    completed(completion)
                case .runHandlers(let taken):
                    #expect(wasRunning && !requested, "the first request to running work")
                    #expect(
                        taken.map(ObjectIdentifier.init) == handlers.map(ObjectIdentifier.init),
                        "every handler, once, in order")
                    handlers = []
                    requested = true
                case .alreadyRequested:
                    #expect(wasCancelled || (wasRunning && requested))
                case .refuse:
                    #expect(machine.state == .finished)
                }
            case .expire:
                let wasPending = machine.state == .pending
                switch machine.expire(DeadlineExceededError(deadline: .now)) {
                case .failed(let completion):
                    #expect(wasPending)
                    expired = true
                    requested = true
                    completed(completion)
                case .request(.runHandlers(let taken)):
                    #expect(taken.map(ObjectIdentifier.init) == handlers.map(ObjectIdentifier.init))
                    handlers = []
                    requested = true
                case .request:
                    break
                case .none:
                    #expect(machine.state == .finished || machine.state == .cancelled)
                }
            case .addHandler:
                let handler = CancellationHandler {}
                if machine.addCancellationHandler(handler) {
                    #expect(machine.state == .running && !requested, "registered only on running, unasked work")
                    handlers.append(handler)
                }
            case .removeHandler:
                if let first = handlers.first {
                    machine.removeCancellationHandler(first)
                    handlers.removeFirst()
                }
            }
            check()
        }

        func check() {
            #expect(completions <= 1, "a future ends exactly once")
            #expect(workHandedOut <= (hadWork ? 1 : 0), "work is handed out at most once")
            switch machine.phase {
            case .succeeded, .failed, .cancelled:
                #expect(completions == 1, "a done future ended once")
            case .pending:
                #expect(completions == 0 && !wasCancelled && !requested)
            case .running:
                #expect(completions == 0 && !wasCancelled)
            }
            if expired {
                #expect(machine.endedUnstarted, "a missed deadline counts as not started")
                #expect(workHandedOut == (hadWork ? 1 : 0))
            }
            let requestBit = machine.summary & Machine.cancellationRequestedBit != 0
            #expect(requestBit == (requested || wasCancelled), "the request bit says whether the work was asked")
            let handlerCount = machine.listeners.filter { if case .cancellationHandler = $0 { true } else { false } }
                .count
            #expect(
                handlerCount == (machine.state == .running ? handlers.count : 0), "handlers wait only while running")
            if case .cancelled = machine.phase { #expect(wasCancelled) }
            let status = machine.summary & 3
            switch machine.phase {
            case .pending, .running: #expect(status == CompletionStatus.notDone.rawValue)
            case .cancelled: #expect(status == CompletionStatus.cancelled.rawValue)
            case .succeeded: #expect(status == CompletionStatus.succeeded.rawValue)
            case .failed: #expect(status == CompletionStatus.failed.rawValue)
            }
            let unread = machine.summary & Machine.unreadErrorBit != 0
            var failed = false
            if case .failed = machine.phase { failed = true }
            #expect(unread == (failed && !retrieved && !discarded && !expired), "only an unread failure is reported")
            #expect((machine.unretrievedError != nil) == unread)
        }
    }

    @Test func everySequenceKeepsTheInvariants() async {
        await offTheCooperativePool { explore() }
    }

    func explore() {
        var sequences = 0
        var states = Set<String>()
        for hadWork in [true, false] {
            // Breadth first, one level per event, merging worlds that reached the same state.
            let machine = hadWork ? Machine(work: { 1 }) : Machine(work: nil)
            var level = [World(machine: machine, hadWork: hadWork)]
            states.insert(level[0].key)
            for _ in 0..<Self.depth {
                var next: [String: World] = [:]
                for world in level {
                    for event in Event.allCases {
                        var copy = world
                        copy.apply(event)
                        sequences += 1
                        if next[copy.key] == nil { next[copy.key] = copy }
                    }
                }
                level = Array(next.values)
                states.formUnion(next.keys)
            }
        }
        print(
            "FutureStateMachine exploration: \(sequences) steps explored, \(states.count) distinct states, depth \(Self.depth)"
        )
        #expect(states.count > 50)
    }
}
