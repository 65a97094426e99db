import Synchronization

/// One waiter registered on many futures at once, for `wait`, `asCompleted` and the unordered streaming
/// map: no thread or task per future. Each future that completes records itself here; the sleeping caller
/// (a thread's ``Parker`` or a task's ``AsyncEvent``) is woken only once its rule is met.
///
/// Each completion costs O(1): a count, and for `asCompleted` (``recordsOrder``) one append.
@usableFromInline
final class GroupWaiter: CompletionObserver {
    /// When the caller wants to be woken.
    @usableFromInline
    enum Rule: Sendable {
        /// When any future completes (`.firstCompleted`, and `asCompleted`, which takes them one by one).
        case anyCompletion
        /// When one of them fails, or all `count` are done.
        case firstFailureOrAll(count: Int)
        /// When all `count` are done.
        case all(count: Int)
    }

    private struct State {
        let rule: Rule
        /// Futures that completed since registration, in completion order, not yet taken (only when
        /// ``GroupWaiter/recordsOrder``).
        var completed: [ObjectIdentifier] = []
        var doneCount = 0
        var failedCount = 0
        var sleeper: (any Waker)?

        var isSatisfied: Bool {
            switch rule {
            case .anyCompletion: return doneCount > 0
            case .firstFailureOrAll(let count): return failedCount > 0 || doneCount >= count
            case .all(let count): return doneCount >= count
            }
        }
    }

    /// Not a ``Locked``: every worker that finishes one of the futures takes this lock, often many at
    /// once (see ``ContendedLock``).
    private let state: ContendedLock<State>
    /// Whether completions are kept, in order, for ``takeCompleted()``.
    private let recordsOrder: Bool
    /// The futures `wait` registered this waiter on, to take it off them afterwards.
    @usableFromInline let registeredOn: [any WaitTarget]

    /// - Parameters:
    ///   - rule: when to wake the caller.
    ///   - recordsOrder: keep each completion for ``takeCompleted()`` (`asCompleted`, the unordered map).
    ///   - registeredOn: the futures the caller registers it on, kept for the caller to unregister.
    @usableFromInline
    init(rule: Rule, recordsOrder: Bool = false, registeredOn: [any WaitTarget] = []) {
        state = ContendedLock(State(rule: rule))
        self.recordsOrder = recordsOrder
        self.registeredOn = registeredOn
    }

    @usableFromInline
    func futureDidComplete(_ future: ObjectIdentifier, failed: Bool) {
        let recordsOrder = self.recordsOrder
        let sleeper = state.withLock { state -> (any Waker)? in
            if recordsOrder { state.completed.append(future) }
            state.doneCount += 1
            if failed { state.failedCount += 1 }
            guard state.isSatisfied else { return nil }
            defer { state.sleeper = nil }
            return state.sleeper
        }
        sleeper?.wake()
    }

    /// Takes the futures that completed since the last call, in completion order; for a waiter that
    /// ``recordsOrder``. Resets the rule's count, so the next wait sleeps until the next completion.
    @usableFromInline
    func takeCompleted() -> [ObjectIdentifier] {
        state.withLock { state in
            defer {
                state.completed.removeAll(keepingCapacity: true)
                state.doneCount = 0
            }
            return state.completed
        }
    }

    /// Blocks the calling thread until the rule is met or `deadline` passes. Returns whether it is met.
    @usableFromInline
    func wait(until deadline: Deadline?) -> Bool {
        let parker = Parker.current
        while true {
            let satisfied = state.withLock { state in
                if !state.isSatisfied { state.sleeper = parker }
                return state.isSatisfied
            }
            if satisfied { return true }
            if !parker.park(until: deadline), deadline?.hasPassed ?? false {
                return state.withLock { state in
                    state.sleeper = nil
                    return state.isSatisfied
                }
            }
        }
    }

    /// Suspends until the rule is met, `deadline` passes or the task is cancelled. Returns whether it is
    /// met.
    @usableFromInline
    func wait(until deadline: Deadline?) async -> Bool {
        let event = AsyncEvent()
        let satisfied = state.withLock { state in
            if !state.isSatisfied { state.sleeper = event }
            return state.isSatisfied
        }
        if satisfied { return true }
        await event.waitUnlessCancelled(until: deadline)
        return state.withLock { state in
            state.sleeper = nil
            return state.isSatisfied
        }
    }
}
