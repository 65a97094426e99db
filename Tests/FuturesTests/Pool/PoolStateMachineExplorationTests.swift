import Foundation
import Testing

@testable import Futures

/// Every sequence of events, up to a bounded length, on a `PoolStateMachine`, with the invariants checked
/// after each step, and every state it reaches then driven to the end (shut down, every worker gone) to
/// check that nothing is left waiting. No threads: the test plays the workers itself, one step at a time,
/// as `ThreadPoolCore.runWorkerLoop` would, performing each action as the core does after the lock.
///
/// Events: `submit`, a `submit` to the high lane (so that the helping worker finds tasks by tickets of
/// two lanes, and a run never holds back a higher lane's task), a burst of ``burst`` submits (enough for a worker to take a run and for another to
/// steal from it), cancelling the newest pending future, a waiting worker helping with the oldest pending
/// future (`removeQueued`, a search of the runs when it says so, `ranInline`), `shutdown` with each of
/// `wait` × `cancelFutures`, breaking the pool, the core's second half of a shutdown or break that handed
/// tasks back (taking the runs back if asked, and reporting the tasks ended: an event of its own, as other
/// threads can act between the two halves),
/// `waitUntilIdle` registering, a worker's thread starting or failing to start, and one step of each
/// worker (take work, run a task of its run, report its last task settled, steal, park, wake, exit), or,
/// instead of reporting its last task settled, retiring as a worker at its `maxTasksPerWorker` does (a
/// replacement starts if work is queued). The runs live outside the machine, in a ``WorkerRuns`` as the
/// core keeps them. Two pools: 2 workers with an unbounded queue, and 1 worker
/// with a queue bounded at 1 (submits refused when full).
///
/// Each sequence is replayed from a fresh pool (the futures are objects, so a world cannot be copied); the
/// events that would do nothing in a state are not tried there. The 2-worker pool is also explored *warm*:
/// both workers started and parked before each sequence, so that submits wake idle workers and woken
/// workers wake others; and *completing*: warm, then one worker ran one more task and is completing its
/// future (already on the idle list, not yet settled), where a submit may pick it and it may retire. Up
/// to ``depth`` (4) events that is 12,993 sequences reaching 1,037 distinct states for the 2-worker pool,
/// 14,224 sequences and 879 states for it warm, 21,428 and 1,224 completing, and 6,805 sequences reaching
/// 171 states for the bounded one, each sequence also driven to its end: about 25 s in a debug build on a
/// shared 2-core machine (the test prints the counts). Depth 5 multiplies that by about 8.
///
/// Invariants after every step: counts never go negative; `submitted == completed + failed + cancelled +
/// unfinished - settling`; `threads` equals the simulated workers that have not been told to exit; the workers the
/// machine counts as on their way (`waking`) are those it handed out to be woken and that have not come
/// back; no entry is queued, and no task waits in a run, while a worker idles with none on its way (the
/// throttled wake-ups lose none); no run holds a task while the machine counts no run out; a task runs at
/// most once and a cancelled task never runs; each future ends at most once; the pool is never idle
/// (to `waitUntilIdle`, registering or woken) while a future it ran or handed back is not done, not even
/// between a worker's `taskFinished` and its future's completion. At the end of every sequence,
/// after `shutdown(wait: true)` and running every worker until it exits: every future is done exactly once,
/// every task not cancelled or failed ran exactly once, every waiter (`waitUntilIdle`,
/// `shutdown(wait: true)`) was woken, and the pool is terminated.
@Suite("PoolStateMachine exploration", .serialized)
struct PoolStateMachineExplorationTests {
    /// 4; `FUTURES_EXPLORATION_DEPTH` lowers it for the sanitizer runs (`.ci/sanitizers.sh` sets 3): the
    /// exploration has no threads, so a sanitizer has nothing to add at depth 4, where, ten times slower,
    /// its four configurations would hold both processors for minutes and starve the suite's other tests.
    static let depth = ProcessInfo.processInfo.environment["FUTURES_EXPLORATION_DEPTH"].flatMap { Int($0) } ?? 4
    static let burst = 17

    enum Event: Hashable {
        case submit, submitHigh, submitBurst, cancelNewest, helpOldest
        case shutdown(wait: Bool, cancelFutures: Bool)
        case breakPool, awaitIdle
        /// The core's second half of a shutdown or break that handed tasks back: take the runs back if
        /// asked, and report the tasks ended (other events can come between the two halves, as on real
        /// threads).
        case reportHandedBack
        case startThread(Int)
        case failThreadStart(Int)
        case act(Int)
        /// The worker's last task was its last allowed one (`maxTasksPerWorker`): instead of reporting it
        /// settled, it retires, as `runLast` does then.
        case retire(Int)
    }

    /// A waiter that records being woken.
    final class FlagWaker: Waker, @unchecked Sendable {  // touched by the one test thread only
        var woken = false
        /// A `waitUntilIdle` caller (not a `shutdown(wait: true)` one).
        let waitsForIdle: Bool
        /// For a `waitUntilIdle` caller: how many of the tracked futures were submitted before it came,
        /// which must all be done when it is woken (those submitted after may not be: the wake-up can be
        /// delivered after another submit).
        var submittedBefore = 0
        init(waitsForIdle: Bool) { self.waitsForIdle = waitsForIdle }
        func wake() { woken = true }
    }

    /// A submitted task and what happened to it.
    final class Tracked: @unchecked Sendable {  // touched by the one test thread only
        var runs = 0
        var completions = 0
        var future: Future<Int>!
    }

    enum WorkerPhase {
        case starting
        case ready(PoolStateMachine.WorkerStep)
        /// Its last task's future is completed; it reports it settled next (`runLast`'s second half).
        case settling(PoolStateMachine.WorkerStep)
        /// Running the tasks of its run, one per step; `finished` counts those done so far.
        case inRun(PoolStateMachine.FinishedTasks)
        case parked
        case exited
    }

    final class Worker {
        let parker = Parker()
        let run = TakenTasks()
        var phase = WorkerPhase.starting
        var woken = false

        var hasExited: Bool {
            if case .exited = phase { return true }
            return false
        }
    }

    /// One pool under test, and everything the test plays around it.
    final class World {
        var machine: PoolStateMachine
        var workers: [Worker] = []
        var tracked: [Tracked] = []
        var waiters: [FlagWaker] = []
        var brokenOrShut = false
        /// The workers' runs, as the core keeps them.
        let runs = WorkerRuns()
        /// Shutdowns or breaks whose second half the core has not done yet: whether they asked for the runs
        /// back, and how many queued tasks they handed back.
        var pendingHandedBack: [(takeBack: PoolStateMachine.RunTakeBack?, handedBack: Int)] = []

        init(maxWorkers: Int, maxQueued: Int?) {
            machine = PoolStateMachine(maxWorkers: maxWorkers, maxQueued: maxQueued)
        }

        func worker(_ parker: Parker) -> Worker? { workers.first { $0.parker === parker } }

        func wake(_ wakers: [any Waker]) {
            for waker in wakers {
                if let parker = waker as? Parker {
                    // A worker that retired is gone: a wake-up handed out for it before is lost.
                    if let worker = worker(parker), !worker.hasExited { worker.woken = true }
                } else {
                    waker.wake()
                }
                if let flag = waker as? FlagWaker, flag.waitsForIdle {
                    let done = tracked.prefix(flag.submittedBefore).allSatisfy { $0.future.isDone }
                    #expect(done, "an idle waiter is woken only once every future submitted before it is done")
                }
            }
        }

        var everyFutureDone: Bool { tracked.allSatisfy { $0.future.isDone } }

        func perform(_ action: PoolStateMachine.SubmitAction) {
            switch action {
            case .none: break
            case .full: Issue.record("a full queue is handled by the submitter")
            case .wake(let parker): worker(parker)?.woken = true
            case .startThread(let number):
                #expect(number == workers.count, "threads are numbered in order")
                workers.append(Worker())
            }
        }

        /// The first half of what `ThreadPoolCore.perform(_:failure:)` does after the lock (the runs are
        /// taken back in the second half, ``reportHandedBack()``).
        func perform(_ action: PoolStateMachine.ShutdownAction) {
            action.cancel.forEach { $0.cancelQueued() }
            action.fail.forEach { $0.failQueued(ExecutorError.broken("test")) }
            action.submitted?.cancelQueued()
            for parker in action.wake { worker(parker)?.woken = true }
            wake(action.wakeWaiters)
            let handedBack = action.cancel.count + action.fail.count + (action.submitted == nil ? 0 : 1)
            if action.takeBackRuns != nil || handedBack > 0 {
                pendingHandedBack.append((action.takeBackRuns, handedBack))
            }
        }

        /// The second half: take the runs back if asked, and report the tasks handed back.
        func reportHandedBack() {
            let (takeBack, handedBack) = pendingHandedBack.removeFirst()
            let tasks = takeBack == nil ? [] : runs.removeAll()
            for task in tasks {
                switch takeBack {
                case .cancel?: task.cancelQueued()
                case .fail?: task.failQueued(ExecutorError.broken("test"))
                case nil: break
                }
            }
            perform(machine.handedBackTasksEnded(handedBack, takenBackFromRuns: tasks.count, as: takeBack))
        }

        func submit(lane: WorkPriority = .normal) {
            let tracked = Tracked()
            // Weak: `tracked` holds the future, so a strong capture would be a cycle that outlives
            // the test for every future that never ends (a refused submission).
            let future = Future<Int>(work: { [weak tracked] in
                tracked?.runs += 1
                return 1
            })
            future.addDoneCallback { [weak tracked] _ in tracked?.completions += 1 }
            tracked.future = future
            let task = future.queuedTask
            task.noteTicket(machine.nextTicket(for: lane))
            do {
                let action = try machine.submit(task, lane: lane)
                if case .full = action {
                    machine.rejectFull()
                } else {
                    self.tracked.append(tracked)
                    perform(action)
                }
            } catch {
                #expect(brokenOrShut, "only a closed pool refuses work")
            }
        }

        /// Whether `event` can do anything now.
        func isEnabled(_ event: Event) -> Bool {
            switch event {
            case .submit, .submitHigh, .awaitIdle: return true
            case .submitBurst: return machine.maxQueued == nil
            case .cancelNewest, .helpOldest: return tracked.contains { $0.future.state == .pending }
            case .shutdown, .breakPool: return true
            case .reportHandedBack: return !pendingHandedBack.isEmpty
            case .startThread(let index), .failThreadStart(let index):
                guard index < workers.count, case .starting = workers[index].phase else { return false }
                return true
            case .retire(let index):
                guard index < workers.count, case .settling(let step) = workers[index].phase else { return false }
                return !step.action.isExit
            case .act(let index):
                guard index < workers.count else { return false }
                switch workers[index].phase {
                case .starting, .exited: return false
                case .parked: return workers[index].woken
                case .ready, .settling, .inRun: return true
                }
            }
        }

        func apply(_ event: Event) {
            switch event {
            case .submit:
                submit()
            case .submitHigh:
                submit(lane: .high)
            case .submitBurst:
                for _ in 0..<PoolStateMachineExplorationTests.burst { submit() }
            case .cancelNewest:
                _ = tracked.last(where: { $0.future.state == .pending })?.future.cancel()
            case .helpOldest:
                // A worker waiting, from inside a task, for this pool's oldest pending future.
                guard let target = tracked.first(where: { $0.future.state == .pending }) else { return }
                let task = target.future.queuedTask
                switch machine.removeQueued(task.object, ticket: target.future.queueTicket) {
                case .run(let roomWaiter):
                    wake(roomWaiter)
                case .searchRuns:
                    guard runs.remove(task: task.object) else { return }
                case .none:
                    return
                }
                wake(machine.ranInline(task.runQueued()))
            case .shutdown(let wait, let cancelFutures):
                brokenOrShut = true
                perform(machine.shutdown(cancelFutures: cancelFutures))
                if wait {
                    let waiter = FlagWaker(waitsForIdle: false)
                    if machine.awaitExit(waiter, callerIsWorker: false) { waiters.append(waiter) }
                }
            case .breakPool:
                brokenOrShut = true
                perform(machine.breakPool("test"))
            case .awaitIdle:
                let waiter = FlagWaker(waitsForIdle: true)
                waiter.submittedBefore = tracked.count
                if machine.awaitIdle(waiter) {
                    waiters.append(waiter)
                } else {
                    #expect(everyFutureDone, "the pool is idle only once every future is done")
                }
            case .reportHandedBack:
                reportHandedBack()
            case .startThread(let index):
                let worker = workers[index]
                runs.add(worker.run)
                machine.workerStarted()
                worker.phase = .ready(
                    machine.nextWork(for: worker.parker, wasParked: false, finished: .init(), taking: worker.run))
            case .failThreadStart(let index):
                let worker = workers[index]
                worker.phase = .exited
                perform(machine.threadDidNotStart(submitted: nil))
            case .act(let index):
                act(workers[index])
            case .retire(let index):
                retire(workers[index])
            }
            check()
        }

        /// What `runLast` and the worker loop do for a worker that reached its task limit after its last
        /// task: leave the pool (starting a replacement if work is queued), then exit.
        func retire(_ worker: Worker) {
            guard case .settling(let step) = worker.phase else { return }
            wake(step.wake)
            let retirement = machine.workerRetiring(worker.parker, finished: .settledOne, wentIdle: step.action.isPark)
            worker.woken = false  // a wake-up it was picked for is lost with it: the machine must not count it
            worker.phase = .exited
            runs.remove(worker.run)
            wake(retirement.wake)
            guard case .retire(let replacement) = retirement.action else {
                Issue.record("workerRetiring retires"); return
            }
            if let replacement { perform(.startThread(replacement)) }
            wake(machine.workerRetired())
            wake(machine.workerExited())
        }

        /// One step of a worker, as `runWorkerLoop` takes it.
        func act(_ worker: Worker) {
            switch worker.phase {
            case .starting, .exited:
                return
            case .settling(var step):
                // As `runLast` after the future is completed.
                if case .askAgain = step.action {
                    wake(step.wake)
                    worker.phase = .ready(
                        machine.nextWork(
                            for: worker.parker, wasParked: false, finished: .settledOne, taking: worker.run))
                } else {
                    step.wake += machine.tasksSettled(1)
                    worker.phase = .ready(step)
                }
            case .parked:
                guard worker.woken else { return }
                worker.woken = false
                worker.phase = .ready(
                    machine.nextWork(for: worker.parker, wasParked: true, finished: .init(), taking: worker.run))
            case .inRun(var finished):
                if let next = worker.run.next() {
                    finished.add(next.runQueued())
                    worker.phase = .inRun(finished)
                } else {
                    finished.endsRun = true
                    worker.phase = .ready(
                        machine.nextWork(for: worker.parker, wasParked: false, finished: finished, taking: worker.run))
                }
            case .ready(let step):
                wake(step.wake)
                switch step.action {
                case .run(.task(let task)) where step.moreQueued:
                    let finished = PoolStateMachine.FinishedTasks(task.runQueued())
                    if step.tookRun {
                        worker.phase = .inRun(finished)
                    } else {
                        worker.phase = .ready(
                            machine.nextWork(
                                for: worker.parker, wasParked: false, finished: finished, taking: worker.run))
                    }
                case .run(.task(let task)):
                    var finished: PoolStateMachine.WorkerStep?
                    task.runQueued { outcome in
                        finished = machine.taskFinished(outcome, for: worker.parker)
                        // A `waitUntilIdle` coming in now, before the future is completed, must wait.
                        let probe = FlagWaker(waitsForIdle: true)
                        if machine.awaitIdle(probe) {
                            machine.idleWaitEnded(probe)
                        } else {
                            Issue.record("idle while a worker is still completing its task's future")
                        }
                    }
                    guard let finished else { Issue.record("the future completed"); return }
                    worker.phase = .settling(finished)
                case .run(.job):
                    Issue.record("no jobs are enqueued")
                case .steal(let since):
                    // As `ThreadPoolCore`: take half a run and run it one task per step, or say none was found.
                    if runs.steal(into: worker.run) > 0 {
                        worker.phase = .inRun(.init())
                    } else {
                        worker.phase = .ready(
                            machine.stealFailed(for: worker.parker, since: since, taking: worker.run))
                    }
                case .askAgain(let wasParked):
                    worker.phase = .ready(
                        machine.nextWork(
                            for: worker.parker, wasParked: wasParked, finished: .init(), taking: worker.run))
                case .retire:
                    Issue.record("no worker retires here (no keep-alive, no task limit)")
                case .park:
                    worker.phase = .parked
                case .exit:
                    worker.phase = .exited
                    runs.remove(worker.run)
                    wake(machine.workerExited())
                }
            }
        }

        func check() {
            let statistics = machine.statistics
            for count in [
                statistics.threads, statistics.idleThreads, statistics.busyThreads, statistics.queued,
                statistics.submitted, statistics.completed, statistics.failed, statistics.cancelled,
                statistics.rejected,
                machine.unfinished, machine.queued, machine.runsOut,
            ] {
                #expect(count >= 0, "counts never go negative")
            }
            #expect(
                statistics.submitted == statistics.completed + statistics.failed + statistics.cancelled
                    + machine.unfinished - machine.settling)
            let alive = workers.filter { worker in
                switch worker.phase {
                case .exited: return false
                case .ready(let step), .settling(let step):
                    if case .exit = step.action { return false } else { return true }
                default: return true
                }
            }
            #expect(statistics.threads == alive.count, "the machine counts the workers that have not been told to exit")
            // Woken, or to be woken by a worker that has its step and has not acted on it yet.
            let handedWakeUps = workers.reduce(0) { count, worker in
                switch worker.phase {
                case .ready(let step), .settling(let step):
                    return count
                        + step.wake.filter { waker in
                            guard let parker = waker as? Parker else { return false }
                            return !(self.worker(parker)?.hasExited ?? true)
                        }.count
                default: return count
                }
            }
            #expect(
                machine.waking == workers.filter(\.woken).count + handedWakeUps,
                "the machine counts the workers it woke")
            let inRuns = runs.unstartedCount
            if machine.runsOut == 0 {
                #expect(inRuns == 0, "no run holds a task while the machine counts none out")
            }
            if inRuns > 0, statistics.idleThreads > 0 {
                #expect(machine.waking > 0, "no task waits in a run while a worker idles with none on its way")
            }
            if machine.queued > 0, statistics.idleThreads > 0 {
                #expect(machine.waking > 0, "no entry waits while a worker idles with none on its way")
            }
            for task in tracked {
                #expect(task.runs <= 1, "a task runs at most once")
                #expect(task.completions <= 1, "a future ends at most once")
                if task.future.state == .cancelled { #expect(task.runs == 0, "a cancelled task never runs") }
            }
        }

        /// `shutdown(wait: true)`, then every worker runs until it exits; checks that nothing is left.
        func drainAndCheck() {
            apply(.shutdown(wait: true, cancelFutures: false))
            var progress = true
            var steps = 0
            while progress {
                progress = false
                while isEnabled(.reportHandedBack) {
                    apply(.reportHandedBack)
                    progress = true
                }
                for (index, worker) in workers.enumerated() {
                    if case .starting = worker.phase {
                        apply(.startThread(index))
                        progress = true
                    }
                    while isEnabled(.act(index)) {
                        apply(.act(index))
                        progress = true
                        steps += 1
                        if steps > 10_000 { Issue.record("a worker never stops"); return }
                    }
                }
            }
            for worker in workers {
                if case .exited = worker.phase {} else { Issue.record("a worker is left blocked: \(worker.phase)") }
            }
            for task in tracked {
                #expect(task.completions == 1, "every future ends exactly once")
                let state = task.future.state
                #expect(state == .finished || state == .cancelled)
                if state == .finished, (try? task.future.result(timeout: .zero)) != nil {
                    #expect(task.runs == 1, "a task that finished with its value ran once")
                }
            }
            let allWoken = waiters.allSatisfy { $0.woken }
            #expect(allWoken, "every waiter is woken")
            #expect(machine.isTerminated, "the pool is terminated")
            let statistics = machine.statistics
            #expect(statistics.submitted == statistics.completed + statistics.failed + statistics.cancelled)
        }
    }

    func events(maxWorkers: Int) -> [Event] {
        var events: [Event] = [
            .submit, .submitHigh, .submitBurst, .cancelNewest, .helpOldest, .breakPool, .awaitIdle, .reportHandedBack,
        ]
        for wait in [false, true] {
            for cancelFutures in [false, true] { events.append(.shutdown(wait: wait, cancelFutures: cancelFutures)) }
        }
        // Replacements for retiring workers take the next numbers: up to two of them.
        for index in 0..<maxWorkers + 2 {
            events += [.startThread(index), .failThreadStart(index), .act(index), .retire(index)]
        }
        return events
    }

    /// Where each sequence starts.
    enum Start: String, CustomStringConvertible, CaseIterable {
        /// A fresh pool: no thread started.
        case cold
        /// Every worker's thread started and parked on the idle list.
        case warm
        /// Warm, and then one worker ran one more task and is completing its future (on the idle list, not
        /// yet settled): where a worker that reached its task limit retires, possibly after a submit
        /// picked it.
        case completing

        var description: String { rawValue }
    }

    /// Replays `prefix` on a pool from `start`.
    func replay(_ prefix: [Event], maxWorkers: Int, maxQueued: Int?, start: Start) -> World {
        let world = World(maxWorkers: maxWorkers, maxQueued: maxQueued)
        if start != .cold {
            // Submits start the threads; each runs its task and parks. Then the tracking starts afresh.
            for _ in 0..<maxWorkers { world.apply(.submit) }
            for index in 0..<maxWorkers { world.apply(.startThread(index)) }
            for index in 0..<maxWorkers { while world.isEnabled(.act(index)) { world.apply(.act(index)) } }
        }
        if start == .completing {
            world.apply(.submit)
            if let woken = world.workers.firstIndex(where: \.woken) {
                world.apply(.act(woken))  // it arrives and takes the task
                world.apply(.act(woken))  // runs it: now completing its future
            }
        }
        for event in prefix { world.apply(event) }
        return world
    }

    /// (The suite is serialized, so the four run one after another: side by side, four CPU-bound threads
    /// starved the rest of the parallel suite on a 2-core machine.)
    ///
    /// Each pool from its start; the 2-worker pool also *warm* (both workers parked on the idle list before
    /// the sequence begins), where submits wake idle workers and woken workers wake others, and warm with
    /// one worker *completing* its last task.
    @Test(arguments: [(2, nil, .cold), (1, 1, .cold), (2, nil, .warm), (2, nil, .completing)] as [(Int, Int?, Start)])
    func everySequenceKeepsTheInvariantsAndEndsWithNothingWaiting(maxWorkers: Int, maxQueued: Int?, start: Start) async
    {
        await offTheCooperativePool { explore(maxWorkers: maxWorkers, maxQueued: maxQueued, start: start) }
    }

    func explore(maxWorkers: Int, maxQueued: Int?, start: Start) {
        let all = events(maxWorkers: maxWorkers)
        var sequences = 0
        var states = Set<String>()
        var stack: [[Event]] = [[]]
        while let prefix = stack.popLast() {
            let world = replay(prefix, maxWorkers: maxWorkers, maxQueued: maxQueued, start: start)
            sequences += 1
            states.insert(Self.key(world))
            if prefix.count < Self.depth {
                for event in all where world.isEnabled(event) { stack.append(prefix + [event]) }
            }
            world.drainAndCheck()
        }
        print(
            "PoolStateMachine exploration (maxWorkers \(maxWorkers), maxQueued \(maxQueued.map(String.init) ?? "none")"
                + ", \(start)): "
                + "\(sequences) sequences up to depth \(Self.depth), \(states.count) distinct states")
        #expect(sequences > (Self.depth >= 4 ? 1000 : 100))
    }

    /// What identifies a state, for counting distinct ones.
    static func key(_ world: World) -> String {
        let phases = world.workers.map { worker -> String in
            switch worker.phase {
            case .starting: return "s"
            case .ready(let step):
                switch step.action {
                case .run: return "r\(step.moreQueued ? 1 : 0)\(step.tookRun ? 1 : 0)"
                case .steal: return "t"
                case .askAgain(let wasParked): return "a\(wasParked ? 1 : 0)"
                case .retire: return "R"
                case .park: return "p"
                case .exit: return "x"
                }
            case .settling(let step): return "S\(step.action)"
            case .inRun(let finished): return "i\(finished.total)"
            case .parked: return worker.woken ? "w" : "P"
            case .exited: return "e"
            }
        }
        let tasks = world.tracked.map { "\($0.future.state)\($0.runs)" }.joined(separator: ",")
        return
            "\(world.machine.statistics) \(world.machine.unfinished) \(world.machine.settling) \(phases) \(tasks) \(world.waiters.map(\.woken))"
    }
}
