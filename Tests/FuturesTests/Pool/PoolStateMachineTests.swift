import Testing

@testable import Futures

/// The pool's state machine, event by event, with no threads: each test plays the core and the workers
/// and looks at each action the machine returns. (`PoolStateMachineExplorationTests` runs every sequence
/// of these events up to a bounded length.)
@Suite("PoolStateMachine")
struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine

    private func task() -> QueuedTask { Future<Int>(work: { 1 }).queuedTask }

    /// The error a submit throws; `nil` if it is accepted.
    private func submitError(_ machine: inout Machine) -> ExecutorError? {
        do {
            _ = try machine.submit(task())
            return nil
        } catch {
            return error
        }
    }

    @Test func aSubmitWithNoWorkerStartsThreadsUpToTheLimitThenQueues() throws {
        var machine = Machine(maxWorkers: 2)
        guard case .startThread(0) = try machine.submit(task()) else { Issue.record("starts thread 0"); return }
        guard case .startThread(1) = try machine.submit(task()) else { Issue.record("starts thread 1"); return }
        guard case .none = try machine.submit(task()) else { Issue.record("queues at the limit"); return }
        #expect(machine.statistics.threads == 2 && machine.queued == 3 && machine.unfinished == 3)
    }

    @Test func aWorkerRunsParksAndIsWokenByTheNextSubmit() throws {
        var machine = Machine(maxWorkers: 1)
        let worker = Parker()
        let run = TakenTasks()
        _ = try machine.submit(task())
        machine.workerStarted()
        let step = machine.nextWork(for: worker, wasParked: false, finished: .init(), taking: run)
        guard case .run(.task(let first)) = step.action, !step.moreQueued else { Issue.record("runs the task"); return }
        var finished: Machine.WorkerStep?
        first.runQueued { finished = machine.taskFinished($0, for: worker) }
        guard case .park(keepAlive: true)? = finished?.action else { Issue.record("parks"); return }
        #expect(machine.statistics.idleThreads == 1 && machine.statistics.completed == 1)
        #expect(machine.unfinished == 1 && machine.settling == 1, "unfinished until the worker reports it settled")
        #expect(machine.tasksSettled(1).isEmpty)
        #expect(machine.unfinished == 0 && machine.settling == 0)
        guard case .wake(let woken) = try machine.submit(task()), woken === worker else {
            Issue.record("the idle worker is woken")
            return
        }
        #expect(machine.statistics.idleThreads == 0)
        guard case .run = machine.nextWork(for: worker, wasParked: true, finished: .init(), taking: run).action else {
            Issue.record("the woken worker runs the task")
            return
        }
    }

    /// A burst of submits to idle workers: the submitter wakes one; each worker that arrives wakes up to
    /// two more while more is queued than workers are on their way, until every entry has a worker.
    @Test func aBurstWakesOneWorkerAndEachArrivalWakesUpToTwoMore() throws {
        let workers = 6
        var machine = Machine(maxWorkers: workers)
        var parkers: [Parker] = []
        // Each submit starts a thread; each thread takes a task, runs it, and parks.
        var taken: [QueuedTask] = []
        for number in 0..<workers {
            guard case .startThread(number) = try machine.submit(task()) else {
                Issue.record("starts thread \(number)")
                return
            }
        }
        for _ in 0..<workers {
            let parker = Parker()
            parkers.append(parker)
            machine.workerStarted()
            guard case .run(.task(let task)) = machine.nextWork(for: parker, wasParked: false, finished: .init()).action
            else { Issue.record("takes a task"); return }
            taken.append(task)
        }
        for (parker, task) in zip(parkers, taken) {
            let step = machine.nextWork(for: parker, wasParked: false, finished: .init(task.runQueued()))
            guard case .park = step.action else { Issue.record("parks"); return }
        }
        #expect(machine.statistics.idleThreads == workers && machine.waking == 0)

        // Five submits: one wake-up, from the first; the others find a worker on its way.
        var woken: [Parker] = []
        for index in 0..<5 {
            switch try machine.submit(task()) {
            case .wake(let parker): woken.append(parker)
            case .none: #expect(index > 0, "only the first submit wakes a worker")
            default: Issue.record("submit \(index): no thread to start, nothing refused")
            }
        }
        #expect(woken.count == 1 && machine.waking == 1 && machine.queued == 5)

        // The first arrives, takes an entry, and wakes two for the four left.
        var step = machine.nextWork(for: woken[0], wasParked: true, finished: .init())
        guard case .run = step.action else { Issue.record("the woken worker runs an entry"); return }
        #expect(step.wake.count == 2 && machine.waking == 2 && machine.queued == 4)
        let second = step.wake.compactMap { $0 as? Parker }

        // Those two arrive. The first takes an entry and finds three queued and one other worker on its
        // way: it wakes two more. The second finds two queued and two on their way: it wakes none.
        step = machine.nextWork(for: second[0], wasParked: true, finished: .init())
        guard case .run = step.action else { Issue.record("runs an entry"); return }
        #expect(machine.queued == 3 && step.wake.count == 2 && machine.waking == 3)
        step = machine.nextWork(for: second[1], wasParked: true, finished: .init())
        guard case .run = step.action else { Issue.record("runs an entry"); return }
        #expect(machine.queued == 2 && step.wake.isEmpty && machine.waking == 2, "two on their way for two entries")
        #expect(machine.statistics.idleThreads == 1, "the sixth worker sleeps on: no entry is left for it")
    }

    @Test func aLongQueueIsTakenInRunsAndAnIdleWorkerStealsHalf() throws {
        var machine = Machine(maxWorkers: 2)
        let (a, b) = (Parker(), Parker())
        let (runA, runB) = (TakenTasks(), TakenTasks())
        for _ in 0..<(Machine.runLength * 2 + 1) { _ = try machine.submit(task()) }
        machine.workerStarted()
        machine.workerStarted()
        let stepA = machine.nextWork(for: a, wasParked: false, finished: .init(), taking: runA)
        #expect(stepA.tookRun && stepA.moreQueued, "a takes a run")
        #expect(runA.unstartedCount == Machine.runLength - 1)
        // b takes the rest one by one, then steals the front half of a's run.
        var stepB = machine.nextWork(for: b, wasParked: false, finished: .init(), taking: runB)
        while case .run(.task(let next)) = stepB.action, machine.queued > 0 {
            stepB = machine.nextWork(for: b, wasParked: false, finished: .init(next.runQueued()), taking: runB)
        }
        guard case .run(.task(let last)) = stepB.action else { Issue.record("b runs the last queued task"); return }
        let told = machine.nextWork(for: b, wasParked: false, finished: .init(last.runQueued()), taking: runB)
        guard case .steal = told.action else { Issue.record("b is told to steal from a's run"); return }
        // The core keeps the runs and steals (ThreadPoolCore+Worker.swift); the machine only says when.
        let runs = WorkerRuns()
        runs.add(runA)
        runs.add(runB)
        #expect(runs.steal(into: runB) == Machine.runLength / 2, "the front half, rounded up")
        #expect(runA.unstartedCount == (Machine.runLength - 1) / 2, "a keeps the back half")
        #expect(machine.statistics.queued == 0, "the machine counts the queue only")
        #expect(runs.unstartedCount == Machine.runLength - 1, "the runs hold the rest (the core adds them)")
    }

    /// A worker told to steal looks at the runs after the lock is released; a run filled after it was told
    /// may be missed. Its `stealFailed` then sends it to steal again rather than to park beside that run.
    @Test func aWorkerWhoseStealMissedARunFilledSinceStealsAgain() throws {
        var machine = Machine(maxWorkers: 3)
        let (a, b, c) = (Parker(), Parker(), Parker())
        let (runA, runB, runC) = (TakenTasks(), TakenTasks(), TakenTasks())
        let runs = WorkerRuns()
        for run in [runA, runB, runC] { runs.add(run) }
        let length = Machine.runLength
        let longQueue = length * 3 + 2  // a run needs runLength tasks per live worker queued behind the first
        for _ in 0..<longQueue { _ = try machine.submit(task()) }
        for _ in 0..<3 { machine.workerStarted() }
        // a takes a run; b drains the rest of the queue, then is told to steal.
        #expect(machine.nextWork(for: a, wasParked: false, finished: .init(), taking: runA).tookRun)
        var stepB = machine.nextWork(for: b, wasParked: false, finished: .init(), taking: runB)
        while case .run(.task(let next)) = stepB.action {
            stepB = machine.nextWork(for: b, wasParked: false, finished: .init(next.runQueued()), taking: runB)
        }
        guard case .steal(let since) = stepB.action else { Issue.record("b is told to steal"); return }
        // Before b looks, a runs its whole run; b finds nothing.
        var finishedA = Machine.FinishedTasks(.succeeded)
        while let next = runA.next() { finishedA.add(next.runQueued()) }
        finishedA.endsRun = true
        #expect(runs.steal(into: runB) == 0)
        // More work comes: a takes a new run, and c drains the queue behind it.
        for _ in 0..<longQueue { _ = try machine.submit(task()) }
        #expect(machine.nextWork(for: a, wasParked: false, finished: finishedA, taking: runA).tookRun)
        var stepC = machine.nextWork(for: c, wasParked: false, finished: .init(), taking: runC)
        while case .run(.task(let next)) = stepC.action, stepC.moreQueued {
            stepC = machine.nextWork(for: c, wasParked: false, finished: .init(next.runQueued()), taking: runC)
        }
        #expect(machine.queued == 0 && runA.unstartedCount == length - 1)
        // b reports its failed steal: a run was filled since it was told, so it steals again, not parks.
        guard case .steal = machine.stealFailed(for: b, since: since, taking: runB).action else {
            Issue.record("b steals again instead of parking beside a's run"); return
        }
        #expect(runs.steal(into: runB) == length / 2)
        #expect(machine.statistics.idleThreads == 0)
    }

    @Test func shutdownWithCancelFuturesHandsBackQueuedTasksAndWorkersExit() throws {
        var machine = Machine(maxWorkers: 1)
        let worker = Parker()
        let run = TakenTasks()
        _ = try machine.submit(task())
        _ = try machine.submit(task())
        machine.workerStarted()
        guard
            case .run(.task(let first)) = machine.nextWork(
                for: worker, wasParked: false, finished: .init(), taking: run
            ).action
        else { Issue.record("runs"); return }
        let exitWaiter = Parker()
        let action = machine.shutdown(cancelFutures: true)
        #expect(action.cancel.count == 1, "the queued task is handed back to cancel")
        let waits = machine.awaitExit(exitWaiter, callerIsWorker: false)
        #expect(waits, "the worker is still alive")
        #expect(submitError(&machine) == .shutDown)
        action.cancel.forEach { $0.cancelQueued() }
        #expect(machine.unfinished == 2 && machine.settling == 1, "the cancelled task is unfinished until reported")
        _ = machine.handedBackTasksEnded(action.cancel.count, takenBackFromRuns: 0, as: nil)
        #expect(machine.unfinished == 1 && machine.settling == 0)
        let step = machine.nextWork(for: worker, wasParked: false, finished: .init(first.runQueued()), taking: run)
        guard case .exit = step.action else { Issue.record("the worker exits"); return }
        #expect(step.wake.count == 1 && step.wake.first === exitWaiter, "shutdown(wait: true) is woken")
        let terminationWaiters = machine.workerExited()
        #expect(terminationWaiters.isEmpty)
        #expect(machine.isTerminated)
        let statistics = machine.statistics
        #expect(statistics.completed == 1 && statistics.cancelled == 1 && statistics.rejected == 1)
    }

    @Test func breakPoolFailsQueuedTasksAndRefusesMore() throws {
        var machine = Machine(maxWorkers: 1)
        _ = try machine.submit(task())
        let action = machine.breakPool("initializer failed")
        #expect(action.fail.count == 1 && machine.unfinished == 1 && machine.statistics.failed == 1)
        action.fail.forEach { $0.failQueued(ExecutorError.broken("initializer failed")) }
        _ = machine.handedBackTasksEnded(action.fail.count, takenBackFromRuns: 0, as: nil)
        #expect(machine.unfinished == 0 && machine.settling == 0)
        #expect(submitError(&machine) == .broken("initializer failed"))
        _ = machine.shutdown(cancelFutures: false)
        #expect(machine.isShutDownOrBroken)
        #expect(submitError(&machine) == .broken("initializer failed"))
    }

    @Test func aWaitingWorkerTakesAQueuedTaskByItsTicketAndIdleWaitersAreWokenAtZero() throws {
        var machine = Machine(maxWorkers: 1)
        let future = Future<Int>(work: { 1 })
        let queued = future.queuedTask
        queued.noteTicket(machine.nextTicket)
        _ = try machine.submit(queued)
        let idleWaiter = Parker()
        let waitsForIdle = machine.awaitIdle(idleWaiter)
        #expect(waitsForIdle)
        let removed = machine.removeQueued(queued.object, ticket: future.queueTicket).removed
        let removedAgain = machine.removeQueued(queued.object, ticket: future.queueTicket).removed
        #expect(removed && !removedAgain, "taken out once")
        let wake = machine.ranInline(queued.runQueued())
        #expect(wake.count == 1 && wake.first === idleWaiter)
        #expect(machine.unfinished == 0 && machine.queued == 0 && machine.statistics.completed == 1)
    }

    /// A pool of one worker that took the one task submitted: the machine, the worker, its run, the task.
    private func oneWorkerRunningATask() throws -> (Machine, Parker, TakenTasks, QueuedTask)? {
        var machine = Machine(maxWorkers: 1)
        let worker = Parker()
        let run = TakenTasks()
        _ = try machine.submit(task())
        machine.workerStarted()
        let step = machine.nextWork(for: worker, wasParked: false, finished: .init(), taking: run)
        guard case .run(.task(let running)) = step.action else { return nil }
        return (machine, worker, run, running)
    }

    @Test func anIdleWaiterArrivingWhileTheLastFutureIsCompletedWaitsForItToSettle() throws {
        guard case (var machine, let worker, _, let only)? = try oneWorkerRunningATask() else {
            Issue.record("runs the task"); return
        }
        let idleWaiter = Parker()
        var waits = false
        only.runQueued { outcome in
            _ = machine.taskFinished(outcome, for: worker)
            // The worker is idle and the task counted, but its future is not completed yet.
            waits = machine.awaitIdle(idleWaiter)
        }
        #expect(waits, "waitUntilIdle waits for the future")
        let wake = machine.tasksSettled(1)
        #expect(wake.count == 1 && wake.first === idleWaiter, "and is woken once the worker reports it settled")
        #expect(machine.unfinished == 0)
    }

    @Test func aWorkerWithQueuedWorkReportsItsLastTaskSettledWhenItAsksAgain() throws {
        guard case (var machine, let worker, let run, let first)? = try oneWorkerRunningATask() else {
            Issue.record("runs the task"); return
        }
        var finished: Machine.WorkerStep?
        first.runQueued { outcome in
            _ = try? machine.submit(task())  // submitted while the first task ran
            finished = machine.taskFinished(outcome, for: worker)
        }
        guard case .askAgain? = finished?.action else { Issue.record("asks again"); return }
        #expect(machine.unfinished == 2 && machine.settling == 1)
        let next = machine.nextWork(for: worker, wasParked: false, finished: .settledOne, taking: run)
        guard case .run = next.action else { Issue.record("runs the second task"); return }
        #expect(machine.unfinished == 1 && machine.settling == 0)
    }
}
