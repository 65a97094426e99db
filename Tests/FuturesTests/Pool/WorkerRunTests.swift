import Synchronization
import Testing

@testable import Futures

/// While the queue is long, a worker takes a run of tasks per trip through the pool's lock (TakenTasks.swift).
/// These check that the run stays part of the pool: counted as queued, cancelled on shutdown, found by a
/// worker that waits for one of its tasks, and stolen by a worker that would otherwise be idle.
@Suite("Worker runs")
struct WorkerRunTests {
    /// Pending futures and their queue entries, for driving the state machine by hand.
    private struct Tasks {
        let futures: [Future<Int>]
        var entries: [QueuedTask] { futures.map { $0.queuedTask } }

        init(_ count: Int) {
            futures = (0..<count).map { index in Future(work: { index }) }
        }
    }

    /// A machine for `workers` workers with `tasks` submitted (which starts every worker).
    private func machine(workers: Int, tasks: Tasks) throws -> PoolStateMachine {
        var machine = PoolStateMachine(maxWorkers: workers)
        for entry in tasks.entries { _ = try machine.submit(entry) }
        #expect(machine.liveThreads == workers)
        return machine
    }

    /// Takes `run`'s tasks in order and runs them (nothing else runs them in these tests).
    private func drain(_ run: TakenTasks) -> Int {
        var ran = 0
        while let task = run.next() {
            task.runQueued()
            ran += 1
        }
        return ran
    }

    // MARK: State machine, event by event

    @Test func aWorkerTakesARunWhenTheQueueIsLongAndTheRunCountsAsQueued() throws {
        let tasks = Tasks(20)
        var machine = try machine(workers: 1, tasks: tasks)
        let run = TakenTasks()
        machine.workerStarted()
        let step = machine.nextWork(for: Parker(), wasParked: false, finished: .init(), taking: run)
        guard case .run(.task(let first)) = step.action else { Issue.record("runs the first task"); return }
        #expect(step.tookRun && step.moreQueued)
        #expect(first.holds(tasks.futures[0]))
        #expect(machine.queued == 20 - PoolStateMachine.runLength)
        #expect(machine.statistics.queued == 12, "the machine counts its queue")
        #expect(machine.runsOut == 1, "and that a run is out, for the core to count")
        let runs = WorkerRuns()
        runs.add(run)
        #expect(run.unstartedCount == PoolStateMachine.runLength - 1)
        #expect(
            machine.statistics.queued + runs.unstartedCount == 19,
            "the run's tasks have not started: still queued for the user")
        first.runQueued()
        #expect(drain(run) == PoolStateMachine.runLength - 1)
        #expect(
            tasks.futures[1...7].allSatisfy { $0.state == .finished }, "the run is the queue's next tasks, in order")
        #expect(tasks.futures[8].state == .pending)
    }

    @Test func aShortQueueIsSharedOutOneTaskAtATime() throws {
        // Two workers: a run needs 2 × runLength tasks queued behind the one taken.
        let tasks = Tasks(2 * PoolStateMachine.runLength)
        var machine = try machine(workers: 2, tasks: tasks)
        let run = TakenTasks()
        machine.workerStarted()
        let step = machine.nextWork(for: Parker(), wasParked: false, finished: .init(), taking: run)
        #expect(!step.tookRun && step.moreQueued)
        #expect(run.unstartedCount == 0)
    }

    @Test func aWorkerWithNothingQueuedStealsTheFrontHalfOfAnotherRun() throws {
        let tasks = Tasks(3 * PoolStateMachine.runLength)
        var machine = try machine(workers: 2, tasks: tasks)
        let (busy, idle) = (TakenTasks(), TakenTasks())
        let (busyParker, idleParker) = (Parker(), Parker())
        machine.workerStarted()
        machine.workerStarted()
        // The busy worker takes task 0 and a run of 1...7, then blocks in task 0 (it is never run here).
        let busyStep = machine.nextWork(for: busyParker, wasParked: false, finished: .init(), taking: busy)
        #expect(busyStep.tookRun)
        // The other worker runs the rest of the queue, one at a time.
        var step = machine.nextWork(for: idleParker, wasParked: false, finished: .init(), taking: idle)
        var ranFromQueue = 0
        while case .run(.task(let task)) = step.action, !step.tookRun {
            task.runQueued()
            ranFromQueue += 1
            step = machine.nextWork(for: idleParker, wasParked: false, finished: .init(.succeeded), taking: idle)
        }
        #expect(ranFromQueue == 2 * PoolStateMachine.runLength)
        let runs = WorkerRuns()
        runs.add(busy)
        runs.add(idle)
        // The queue is empty: instead of going idle it is told to steal, and takes tasks 1...4 of the busy
        // worker's run into its own.
        guard case .steal = step.action else { Issue.record("steals instead of parking"); return }
        #expect(runs.steal(into: idle) == 4)
        guard let stolen = idle.next() else { Issue.record("the stolen tasks are its run"); return }
        #expect(stolen.holds(tasks.futures[1]), "the oldest waiting task first")
        stolen.runQueued()
        #expect(drain(idle) == 3)
        var finished = PoolStateMachine.FinishedTasks()
        for _ in 0..<4 { finished.add(.succeeded) }
        finished.endsRun = true
        let next = machine.nextWork(for: idleParker, wasParked: false, finished: finished, taking: idle)
        guard case .steal = next.action else { Issue.record("steals again"); return }
        #expect(runs.steal(into: idle) == 2, "two of the three left")
        guard let second = idle.next() else { Issue.record("the stolen tasks are its run"); return }
        #expect(second.holds(tasks.futures[5]))
        #expect(busy.unstartedCount == 1)
        #expect(runs.unstartedCount == 2, "task 6 in the thief's run, task 7 in the busy worker's")
        #expect(machine.statistics.queued == 0, "the machine counts the queue only; the core adds the runs")
    }

    /// A thief reads each run's hint before taking its lock: true for a run the machine filled (set before
    /// the pool's lock was released, so a worker told to steal afterwards finds it), false once nothing is
    /// left to steal; runs whose hint is false cost the steal no lock.
    @Test func aStealPassesRunsWithNothingToStealWithoutTheirLocks() throws {
        let tasks = Tasks(4 * PoolStateMachine.runLength)
        var machine = try machine(workers: 3, tasks: tasks)
        let (busy, idle, other) = (TakenTasks(), TakenTasks(), TakenTasks())
        #expect(!busy.mayHaveUnstarted && !idle.mayHaveUnstarted)
        for _ in 0..<3 { machine.workerStarted() }
        let step = busy.withRunToFill { run in
            machine.nextWork(for: Parker(), wasParked: false, finished: .init(), run: &run)
        }
        #expect(step.tookRun)
        #expect(busy.mayHaveUnstarted, "a filled run shows it may hold tasks")
        let runs = WorkerRuns()
        for run in [other, idle, busy] { runs.add(run) }
        // Two runs with nothing to steal are passed with one atomic read each: the steal takes the list's
        // lock, the busy run's lock and the thief's, and none of the empty runs' locks.
        let (stolen, counters) = OperationCounters.counting { runs.steal(into: idle) }
        #expect(stolen == PoolStateMachine.runLength / 2)
        #expect(counters.lockAcquisitions == 3)
        #expect(idle.mayHaveUnstarted, "the thief's run holds what it stole")
        // The thief runs what it stole; its hint stays up (the owner's `next()` leaves it) until it next asks
        // for work, and a steal meanwhile takes its lock and finds nothing there, as before the hint.
        #expect(drain(idle) == PoolStateMachine.runLength / 2)
        #expect(idle.mayHaveUnstarted)
        // Stolen down to nothing, the busy run shows it has nothing left.
        while busy.unstartedCount > 0 {
            #expect(runs.steal(into: other) > 0)
            #expect(drain(other) > 0)
        }
        #expect(!busy.mayHaveUnstarted)
        // What the owners' next ask for work does: the hint is exact again, and a steal takes no run's lock.
        idle.withRun { _ in }
        other.withRun { _ in }
        let (none, emptyScan) = OperationCounters.counting { runs.steal(into: idle) }
        #expect(none == 0)
        #expect(emptyScan.lockAcquisitions == 1, "only the list's lock")
    }

    @Test func aWorkerFinishingItsLastTaskDoesNotGoIdleWhileAnotherRunMayHoldTasks() throws {
        let tasks = Tasks(3 * PoolStateMachine.runLength)
        var machine = try machine(workers: 2, tasks: tasks)
        let (busy, other) = (TakenTasks(), TakenTasks())
        machine.workerStarted()
        machine.workerStarted()
        _ = machine.nextWork(for: Parker(), wasParked: false, finished: .init(), taking: busy)
        let otherParker = Parker()
        var step = machine.nextWork(for: otherParker, wasParked: false, finished: .init(), taking: other)
        while case .run(.task(let task)) = step.action, step.moreQueued, !step.tookRun {
            task.runQueued()
            step = machine.nextWork(for: otherParker, wasParked: false, finished: .init(.succeeded), taking: other)
        }
        // The queue's last task: nothing is queued behind it, yet it must not park.
        guard case .run(.task(let last)) = step.action, !step.moreQueued else {
            Issue.record("the last queued task"); return
        }
        last.runQueued()
        let finished = machine.taskFinished(.succeeded, for: otherParker)
        let asksAgain: Bool
        if case .askAgain = finished.action { asksAgain = true } else { asksAgain = false }
        #expect(asksAgain, "asks for work again (and steals) instead of going idle")
        #expect(machine.statistics.idleThreads == 0)
    }

    @Test func shutdownCancellingFuturesTakesTheRunsToo() throws {
        let tasks = Tasks(20)
        var machine = try machine(workers: 1, tasks: tasks)
        let run = TakenTasks()
        machine.workerStarted()
        _ = machine.nextWork(for: Parker(), wasParked: false, finished: .init(), taking: run)
        let action = machine.shutdown(cancelFutures: true)
        #expect(action.cancel.count == 12, "twelve from the queue")
        #expect(action.takeBackRuns == .cancel, "and the run's, which the core takes back")
        let runs = WorkerRuns()
        runs.add(run)
        let takenBack = runs.removeAll()
        #expect(takenBack.count == 7, "seven from the run")
        let inQueueOrder = takenBack.first?.holds(tasks.futures[1]) ?? false
        #expect(inQueueOrder, "in queue order")
        takenBack.forEach { $0.cancelQueued() }
        action.cancel.forEach { $0.cancelQueued() }
        let reported = machine.handedBackTasksEnded(
            action.cancel.count, takenBackFromRuns: takenBack.count, as: action.takeBackRuns)
        #expect(reported.takeBackRuns == nil)
        let runIsEmpty = run.next() == nil
        #expect(runIsEmpty, "nothing left in the run")
        #expect(machine.statistics.cancelled == 19 && machine.statistics.queued == 0)
        #expect(machine.unfinished == 1, "only the running task")
    }

    @Test func aWaitingWorkerFindsATaskInARun() throws {
        let tasks = Tasks(20)
        var machine = try machine(workers: 1, tasks: tasks)
        let run = TakenTasks()
        machine.workerStarted()
        _ = machine.nextWork(for: Parker(), wasParked: false, finished: .init(), taking: run)
        let help = machine.removeQueued(tasks.futures[3] as AnyObject, ticket: tasks.futures[3].queueTicket)
        guard case .searchRuns = help else { Issue.record("not in the queue: the runs are searched"); return }
        let runs = WorkerRuns()
        runs.add(run)
        #expect(runs.remove(task: tasks.futures[3]), "found in the run")
        #expect(run.unstartedCount == 6)
        #expect(drain(run) == 6, "the run skips the task taken out")
        #expect(tasks.futures[3].state == .pending)
    }

    // MARK: A real pool

    /// Two workers: one blocks in a long task with its run behind it; the other, done with the queue,
    /// must run that run's tasks rather than go idle.
    @Test(.timeLimit(.minutes(1))) func tasksBehindALongTaskDoNotWaitForIt() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown() }
        let holdersStarted = Counter(), bothStarted = Gate()
        let release = Gate()
        let holders = try (0..<2).map { _ in
            try pool.submit {
                if holdersStarted.increment() == 2 { bothStarted.open() }
                _ = release.wait()
            }
        }
        #expect(bothStarted.wait(), "both threads busy, so the rest queues up")
        let longTask = Gate()
        let long = try pool.submit { _ = longTask.wait() }
        let quick = try (0..<40).map { index in try pool.submit { index } }
        release.open()
        for holder in holders { try holder.result() }
        for (index, future) in quick.enumerated() {
            #expect(try future.result(timeout: .seconds(30)) == index, "ran while the long task still blocks")
        }
        #expect(long.state == .running)
        longTask.open()
        try long.result()
    }

    @Test(.timeLimit(.minutes(1))) func onOneThreadTasksStartInTheOrderSubmittedRunsOrNot() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let gate = Gate(), started = Gate()
        let holder = try pool.submit {
            started.open(); _ = gate.wait()
        }
        started.wait()
        let order = Recorder<Int>()
        let futures = try (0..<100).map { index in try pool.submit { order.append(index) } }
        gate.open()
        try holder.result()
        for future in futures { try future.result() }
        #expect(order.values == Array(0..<100))
    }

    @Test(.timeLimit(.minutes(1))) func aRunStopsAtAJobOfTheRuntimeWhichKeepsItsPlaceInTheQueue() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate(), started = Gate()
        let holder = try pool.submit {
            started.open(); _ = gate.wait()
        }
        started.wait()
        let order = Recorder<Int>()
        let before = try (0..<10).map { index in try pool.submit { order.append(index) } }
        let job = Task(executorPreference: pool) { order.append(-1) }  // its first job joins the pool's queue
        #expect(await waitForStateAsync(of: pool) { $0.statistics.queued == 11 }, "the job is queued behind the tasks")
        let after = try (10..<30).map { index in try pool.submit { order.append(index) } }
        gate.open()
        try await holder.value
        await job.value
        for future in before + after { try await future.value }
        #expect(order.values == Array(0..<10) + [-1] + Array(10..<30))
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func shutdownCancellingFuturesCancelsTasksAWorkerTookInItsRun() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let first = Gate(), firstStarted = Gate()
        let holder = try pool.submit {
            firstStarted.open(); _ = first.wait()
        }
        firstStarted.wait()
        let second = Gate(), secondStarted = Gate()
        let long = try pool.submit {
            secondStarted.open(); _ = second.wait()
        }
        let ran = Counter()
        let quick = try (0..<20).map { _ in try pool.submit { _ = ran.increment() } }
        first.open()
        secondStarted.wait()  // the worker took `long` and, behind it, a run of quick tasks
        #expect(pool.statistics.queued == 20, "the run's tasks count as queued")
        pool.shutdown(wait: false, cancelFutures: true)
        #expect(quick.allSatisfy { $0.isCancelled }, "every quick task, in the run or in the queue")
        second.open()
        pool.shutdown(wait: true)
        try holder.result()
        try long.result()
        #expect(ran.count == 0)
    }

    @Test(.timeLimit(.minutes(1))) func aTaskWaitingForTheNextTaskOfItsOwnRunRunsIt() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let gate = Gate(), started = Gate()
        let holder = try pool.submit {
            started.open(); _ = gate.wait()
        }
        started.wait()
        let awaited = Locked<Future<Int>?>(nil)
        let waiter = try pool.submit { () throws -> Int in
            let future = awaited.withLock { $0 }!
            return try future.result() + 1
        }
        let target = try pool.submit { 41 }
        let others = try (0..<20).map { index in try pool.submit { index } }
        awaited.withLock { $0 = target }
        gate.open()
        try holder.result()
        // On one thread: `target` sits in the run of the worker now running `waiter`. Without looking in
        // runs, this would wait forever.
        #expect(try waiter.result(timeout: .seconds(30)) == 42)
        for (index, future) in others.enumerated() { #expect(try future.result() == index) }
    }
}

extension QueuedTask {
    /// Whether this entry is `future`'s.
    fileprivate func holds(_ future: Future<Int>) -> Bool { object === future }
}
