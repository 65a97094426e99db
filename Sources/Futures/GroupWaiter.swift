import Synchronization

/// One waiter registered on many futures at once, for `wait` and `asCompleted`: no thread or task per
/// future. Each future that completes records itself here; the sleeping caller (a thread's ``Parker`` or
/// a task's ``AsyncEvent``) is woken only once its rule is met.
final class GroupWaiter: CompletionObserver {
    /// When the caller wants to be woken.
    enum Rule {
        /// When any future completes (`.firstCompleted`, and `asCompleted`, which takes them one by one).
        case anyCompletion
        /// When one of them fails, or all `count` are done.
        case firstFailureOrAll(count: Int)
        /// When all `count` are done.
        case all(count: Int)
    }

    private struct State {
        let rule: Rule
        /// Futures that completed since registration, in completion order, not yet taken.
        var completed: [ObjectIdentifier] = []
        var doneCount = 0
        var failedCount = 0
        var sleeper: (any Waker)?

        var isSatisfied: Bool {
            switch rule {
            case .anyCompletion: return !completed.isEmpty
            case .firstFailureOrAll(let count): return failedCount > 0 || doneCount >= count
            case .all(let count): return doneCount >= count
            }
        }
    }

    private let state: Locked<State>

    init(rule: Rule) {
        state = Locked(State(rule: rule))
    }

    func futureDidComplete(_ future: ObjectIdentifier, failed: Bool) {
        let sleeper = state.withLock { state -> (any Waker)? in
            state.completed.append(future)
            state.doneCount += 1
            if failed { state.failedCount += 1 }
            guard state.isSatisfied else { return nil }
            defer { state.sleeper = nil }
            return state.sleeper
        }
        sleeper?.wake()
    }

    /// Takes the futures that completed since the last call, in completion order.
    func takeCompleted() -> [ObjectIdentifier] {
        state.withLock { state in
            defer { state.completed.removeAll() }
            return state.completed
        }
    }

    /// Blocks the calling thread until the rule is met or `deadline` passes. Returns whether it is met.
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
