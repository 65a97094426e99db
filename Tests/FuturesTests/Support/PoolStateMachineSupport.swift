import Testing

@testable import Futures

/// Shorthands for driving a ``PoolStateMachine`` event by event, as `ThreadPoolCore`'s worker loop does.
extension PoolStateMachine {
    /// The ticket the next task queued in the normal lane gets (what `submit` without a priority uses).
    var nextTicket: UInt32 { nextTicket(for: .normal) }

    /// ``nextWork(for:wasParked:finished:run:)`` for a worker whose run the test does not look at: it
    /// expects the machine to hand it none.
    mutating func nextWork(
        for parker: Parker, wasParked: Bool, finished: FinishedTasks,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> WorkerStep {
        var run = TaskRun()
        let step = nextWork(for: parker, wasParked: wasParked, finished: finished, run: &run)
        #expect(run.isEmpty, "no run was expected here", sourceLocation: sourceLocation)
        return step
    }

    /// ``nextWork(for:wasParked:finished:run:)`` with the worker's ``TakenTasks`` held, as the worker does.
    mutating func nextWork(
        for parker: Parker, wasParked: Bool, finished: FinishedTasks, taking run: TakenTasks
    ) -> WorkerStep {
        run.withRun { nextWork(for: parker, wasParked: wasParked, finished: finished, run: &$0) }
    }

    /// ``stealFailed(for:since:run:)`` with the worker's ``TakenTasks`` held.
    mutating func stealFailed(for parker: Parker, since filled: UInt, taking run: TakenTasks) -> WorkerStep {
        run.withRun { stealFailed(for: parker, since: filled, run: &$0) }
    }
}

extension PoolStateMachine.SubmitAction {
    /// The queue was full: nothing was queued.
    var isFull: Bool {
        if case .full = self { return true }
        return false
    }
}

extension PoolStateMachine.HelpAction {
    /// The task was taken out of the queue, to run on the waiting worker.
    var removed: Bool {
        if case .run = self { return true }
        return false
    }
}

extension TakenTasks {
    /// How many tasks of the run have not started.
    var unstartedCount: Int { withRun { $0.unstartedCount } }
}

extension QueuedTask {
    /// Runs the task off any worker (no ``WorkerSlot``), as the machine tests play the worker's part.
    @discardableResult
    func runQueued() -> QueuedTaskOutcome { runQueued(in: nil) }

    /// ``runQueued(in:beforeCompleting:)`` off any worker.
    func runQueued(beforeCompleting: (QueuedTaskOutcome) -> Void) {
        runQueued(in: nil, beforeCompleting: beforeCompleting)
    }
}
