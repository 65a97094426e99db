// W6, groups at scale (issue 14): each group operation over n futures beside the plain `result()` loop and
// DispatchGroup.wait, at n = 1,000 … 64,000, so that how the cost grows with n shows in the table.

import Dispatch
import Futures
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The task every row of a W6 workload runs n times.
enum GroupTask: String {
    /// Returns 1 at once: the group operation's own cost shows.
    case tiny
    /// Sleeps 200 µs, then returns 1: 64 workers, waves of blocking work.
    case sleep

    var micros: UInt32 { self == .sleep ? 200 : 0 }

    var work: @Sendable () -> Int {
        switch self {
        case .tiny: return { 1 }
        case .sleep:
            return {
                usleep(200); return 1
            }
        }
    }

    var label: String { self == .tiny ? "a tiny task (returns 1)" : "usleep(200)" }
}

let groupWorkers = 64
let groupSizes = [1_000, 4_000, 16_000, 64_000]
let groupSizesQuick = [1_000, 4_000]
/// The row every W6 ratio divides by.
let groupLoopRow = "result() loop"
/// How a user might fan out from async code without a group operation of ours: shown for comparison, with
/// no target of its own (issue 17 works on `pool.run`'s cost).
let groupTaskGroupRow = "task group of pool.run"

/// A 64-worker pool whose threads all run before the clock starts (as in W3's target row), used by one round
/// of one row and shut down after it.
func warmGroupPool() -> ThreadPoolExecutor {
    let pool = ThreadPoolExecutor(maxWorkers: groupWorkers)
    let gate = Gate()
    let starters = (0..<groupWorkers).map { _ in try! pool.submit { gate.wait() } }
    gate.waitForArrivals(groupWorkers)
    gate.open()
    for starter in starters { try! starter.result() }
    return pool
}

/// Runs `body` on a warm pool and returns nanoseconds per future; `body` submits `count` tasks and waits for
/// them the way the row says, returning the sum of their results (checked: every task ran once).
func timedGroupRow(
    _ name: String, count: Int, _ body: (ThreadPoolExecutor, Int) throws -> Int
) -> [String: Double] {
    let pool = warmGroupPool()
    let start = nowNanoseconds()
    let sum = try! body(pool, count)
    let elapsed = nowNanoseconds() - start
    pool.shutdown(wait: true)
    precondition(sum == count, "\(name): \(sum) results for \(count) tasks")
    return ["nsPerFuture": Double(elapsed) / Double(count)]
}

func submitAll(_ pool: ThreadPoolExecutor, _ count: Int, _ work: @escaping @Sendable () -> Int) -> [Future<Int>] {
    var futures: [Future<Int>] = []
    futures.reserveCapacity(count)
    for _ in 0..<count { futures.append(try! pool.submit(work)) }
    return futures
}

func makeGroupWorkloads(sizes: [Int]) -> [Workload] {
    [GroupTask.tiny, .sleep].flatMap { task in sizes.map { makeGroupWorkload(task: task, count: $0) } }
}

func makeGroupWorkload(task: GroupTask, count: Int) -> Workload {
    let work = task.work
    func row(_ name: String, _ note: String, _ body: @escaping (ThreadPoolExecutor, Int) throws -> Int) -> Contender {
        Contender(name: name, note: note, isOurs: true) { count in timedGroupRow(name, count: count, body) }
    }
    var contenders = [
        row(groupLoopRow, "submit all, then result() on each") { pool, count in
            var sum = 0
            for future in submitAll(pool, count, work) { sum += try future.result() }
            return sum
        },
        row("wait(futures)", ".allCompleted") { pool, count in
            let futures = submitAll(pool, count, work)
            let (done, notDone) = wait(futures)
            precondition(notDone.isEmpty)
            return done.count
        },
        row("wait(futures, .firstException)", "none fails: waits for all") { pool, count in
            let futures = submitAll(pool, count, work)
            let (done, _) = wait(futures, returnWhen: .firstException)
            return done.count
        },
        row("wait(AnyFuture)", "the futures wrapped in AnyFuture") { pool, count in
            let futures = submitAll(pool, count, work).map(AnyFuture.init)
            return wait(futures).done.count
        },
        row("wait(futures, timeout:)", ".allCompleted, 60 s timeout") { pool, count in
            wait(submitAll(pool, count, work), timeout: .seconds(60)).done.count
        },
        row("await wait(futures)", "async, from a task") { pool, count in
            let futures = submitAll(pool, count, work)
            return blockingAwait { await wait(futures).done.count }
        },
        row("asCompleted", "blocking, result() of each") { pool, count in
            var sum = 0
            for future in asCompleted(submitAll(pool, count, work)) { sum += try future.result() }
            return sum
        },
        row("asCompleted (async)", "for try await, value of each") { pool, count in
            let futures = submitAll(pool, count, work)
            return blockingAwait {
                var sum = 0
                do {
                    for try await future in asCompleted(futures) { sum += try await future.value }
                } catch {
                    fatalError("asCompleted (async): \(error)")
                }
                return sum
            }
        },
        row("invokeAll", "n closures") { pool, count in
            try pool.invokeAll([@Sendable () throws -> Int](repeating: work, count: count))
                .reduce(0) { $0 + (try $1.get()) }
        },
        row("map (chunkSize: 1)", "a future per item") { pool, count in
            try pool.map(0..<count, chunkSize: 1) { _ in work() }.reduce(0, +)
        },
        row("unorderedMap", "default bufferSize (256)") { pool, count in
            var sum = 0
            for result in pool.unorderedMap(0..<count, { _ in work() }).results { sum += try result.get() }
            return sum
        },
        row("lazyMap", "default bufferSize (256)") { pool, count in
            var sum = 0
            for result in pool.lazyMap(0..<count, { _ in work() }).results { sum += try result.get() }
            return sum
        },
        row(groupTaskGroupRow, "async: a child per task") { pool, count in
            blockingAwait {
                await withTaskGroup(of: Int.self) { group in
                    for _ in 0..<count { group.addTask { try! await pool.run(work) } }
                    return await group.reduce(0, +)
                }
            }
        },
    ]
    if task == .tiny {
        // Dispatch's global queue is as wide as the cores, not 64 threads: for sleeping tasks it is not the
        // same work, so it is only beside the tiny task.
        contenders.append(
            Contender(name: "DispatchGroup.wait", note: "global().async(group:), no futures", isOurs: false) { count in
                let queue = DispatchQueue.global()
                let group = DispatchGroup()
                let sum = Atomic(0)
                let start = nowNanoseconds()
                for _ in 0..<count { queue.async(group: group) { sum.add(work(), ordering: .relaxed) } }
                group.wait()
                let elapsed = nowNanoseconds() - start
                precondition(sum.load(ordering: .relaxed) == count)
                return ["nsPerFuture": Double(elapsed) / Double(count)]
            })
    }
    let unchecked: Set = [groupLoopRow, groupTaskGroupRow]
    let checked = contenders.filter { $0.isOurs && !unchecked.contains($0.name) }.map { $0.name }
    return Workload(
        id: "W6",
        title: "groups at scale: n = \(count) futures of \(task.label), \(groupWorkers) workers",
        count: count, warmUpCount: nil,
        parameters: ["workers": "\(groupWorkers)", "task": task.rawValue, "n": "\(count)"],
        metrics: [Metric(key: "nsPerFuture", label: "time per future, submit to done", unit: "ns")],
        contenders: contenders,
        targets: checked.map { name in
            Target(
                description: "\(name) ≤ 1.3 × loop (\(task.rawValue), n=\(count))", metric: "nsPerFuture",
                kind: .rowRatio(row: name, anchor: groupLoopRow), limit: 1.3)
        },
        baseline: groupLoopRow)
}

/// "Cost per future flat (±30 %) from 1,000 to 64,000": for each row and task, the median cost per future at
/// each size over the cost at the smallest. What the target guards against is growth (a group operation that
/// rescans its futures costs more per future as n grows), so it is met when no size costs more than 1.3 × the
/// smallest; the value shown is the largest ratio. A ratio well below 1 is the opposite: a fixed cost per call
/// (the pool's threads waking, the first allocations) spread over more futures, which the plain loop shows
/// too; the README reports those beside it.
func groupFlatnessTargets(_ report: [(Workload, RoundValues)]) -> [TargetOutcome] {
    var outcomes: [TargetOutcome] = []
    for task in [GroupTask.tiny, .sleep] {
        let runs = report.filter { $0.0.id == "W6" && $0.0.parameters["task"] == task.rawValue }
            .sorted { $0.0.count < $1.0.count }
        guard let first = runs.first, let last = runs.last, runs.count > 1 else { continue }
        for contender in first.0.contenders where contender.isOurs && contender.name != groupTaskGroupRow {
            let costs = runs.compactMap { run -> Double? in
                let values = run.1.values(contender.name, "nsPerFuture")
                return values.isEmpty ? nil : Statistics.median(values)
            }
            guard costs.count == runs.count else { continue }
            let ratios = costs.map { $0 / costs[0] }
            let largest = ratios.max()!
            outcomes.append(
                TargetOutcome(
                    workload: "W6",
                    target:
                        "\(contender.name) (\(task.rawValue)): cost per future up to n=\(last.0.count) ≤ 1.3 × n=\(first.0.count)",
                    value: largest, limit: 1.3, met: largest <= 1.3))
        }
    }
    return outcomes
}
