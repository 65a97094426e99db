/// Which pool, if any, the current thread works for, and which task it runs (its ``WorkerSlot``): lets a
/// worker that waits on a not-yet-started task of its own pool run it itself, and running work ask about
/// itself (``CurrentWork``).
@usableFromInline
enum WorkerContext {
    /// Not owning: the worker holds its slot, and the slot's pool, alive while it runs.
    private static let slotOf = ThreadLocal<WorkerSlot>(owning: false)

    /// The current thread's slot, if it is a pool worker.
    static var currentSlot: WorkerSlot? {
        slotOf.value
    }

    /// The pool the current thread is a worker of. The worker holds the pool alive while it runs.
    static var currentPool: ThreadPoolCore? {
        slotOf.value?.pool
    }

    static func enter(_ slot: WorkerSlot) {
        slotOf.set(slot)
    }

    static func leave() {
        slotOf.set(nil)
    }

    /// Whether the current thread is a pool worker: only a worker runs queued work inline while it waits.
    @usableFromInline
    static var isWorker: Bool { currentPool != nil }
}

// MARK: Helping while waiting
//
// The one path by which a waiter runs the task it waits for: every blocking wait on a pool worker
// (`result`, `wait`, `asCompleted`, the maps) calls ``Future/runInlineIfQueuedHere()``, which asks the
// worker's own pool to take the task out of its queue in O(1) (by the ticket the future was queued with)
// and run it on this thread. Without it, a task that waits for a task of its own pool could wait forever
// with every worker busy waiting too.

extension Future {
    /// On a pool worker, runs the future's work here if it waits in this pool's queue. Returns whether it
    /// ran. Anywhere else (not a worker, another pool's future, a task already taken or done) it does
    /// nothing and returns `false`.
    ///
    /// - Complexity: O(1).
    @usableFromInline
    func runInlineIfQueuedHere() -> Bool {
        guard let slot = WorkerContext.currentSlot else { return false }
        return slot.pool.runIfQueued(queuedTask, in: slot) { queueTicket }
    }
}

extension ThreadPoolCore {
    /// On a worker of this pool (whose `slot` it is): if `task` waits in the queue or in a worker's run, takes it out and runs
    /// it on this thread. Returns whether it ran. `ticket` reads the ticket the future was queued with; it
    /// is called with the pool's lock held, which guards that field.
    ///
    /// - Complexity: O(1) for a task in the queue (see ``PoolStateMachine/removeQueued(_:ticket:)``); a
    ///   task a worker took into its run is looked for in the runs, at most
    ///   ``PoolStateMachine/runLength`` tasks per live worker, and only while runs are out.
    func runIfQueued(_ task: QueuedTask, in slot: WorkerSlot, ticket: () -> UInt32) -> Bool {
        switch state.withLock({ $0.removeQueued(task.object, ticket: ticket()) }) {
        case .run(let wake):
            wake.forEach { $0.wake() }
        case .searchRuns:
            guard runs.remove(task: task.object) else { return false }
        case .none:
            return false
        }
        let outcome = slot.runningInline { task.runQueued(in: $0) }
        state.withLock { $0.ranInline(outcome) }.forEach { $0.wake() }
        return true
    }
}
