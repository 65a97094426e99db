// Issue 17's workloads: W7 the async round trip, W8 an async fan-out of blocking calls, W9 many submitting
// threads, and W2 with the whole process on one processor.

import Dispatch
import Foundation
import Futures
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sizes of issue 17's workloads.
struct AsyncSizes {
    var roundTrips: Int
    var fanOutChildren: Int
    var contendedTasks: Int
    var oneCPURoundTrips: Int

    static let full = AsyncSizes(
        roundTrips: 20_000, fanOutChildren: 4_000, contendedTasks: 1_000_000, oneCPURoundTrips: 50_000)
    static let quick = AsyncSizes(
        roundTrips: 2_000, fanOutChildren: 640, contendedTasks: 100_000, oneCPURoundTrips: 5_000)
}

let submitterCounts = [1, 2, 4, 8]

// MARK: W7 and W8: awaiting blocking work from async code

/// One way for async code to hand a blocking call to threads and await it.
struct AsyncHandOff {
    let name: String
    let note: String
    let isOurs: Bool
    /// Makes the threads (`workers` of them, where the system has a size), returns the await and the
    /// shutdown.
    let make: (_ workers: Int) -> (run: @Sendable (@escaping @Sendable () -> Int) async -> Int, shutdown: () -> Void)
}

var asyncHandOffs: [AsyncHandOff] {
    [
        AsyncHandOff(name: "Futures pool.run", note: "try await pool.run { … }", isOurs: true) { workers in
            let pool = ThreadPoolExecutor(maxWorkers: workers)
            return ({ work in try! await pool.run(work) }, { pool.shutdown(wait: true) })
        },
        AsyncHandOff(
            name: "Futures withTaskExecutorPreference", note: "the task runs on the pool", isOurs: true
        ) { workers in
            let pool = ThreadPoolExecutor(maxWorkers: workers)
            return ({ work in await withTaskExecutorPreference(pool) { work() } }, { pool.shutdown(wait: true) })
        },
        AsyncHandOff(name: "Futures submit + value", note: "await pool.submit { … }.value", isOurs: true) { workers in
            let pool = ThreadPoolExecutor(maxWorkers: workers)
            return ({ work in try! await pool.submit(work).value }, { pool.shutdown(wait: true) })
        },
        AsyncHandOff(
            name: "Futures submitWaitingForRoom", note: "+ value; carries task-locals", isOurs: true
        ) { workers in
            let pool = ThreadPoolExecutor(maxWorkers: workers)
            return ({ work in try! await pool.submitWaitingForRoom(work).value }, { pool.shutdown(wait: true) })
        },
        AsyncHandOff(name: "Dispatch + continuation", note: "global().async, resume", isOurs: false) { _ in
            (
                { work in
                    await withCheckedContinuation { continuation in
                        DispatchQueue.global().async { continuation.resume(returning: work()) }
                    }
                }, {}
            )
        },
        AsyncHandOff(name: "NIOThreadPool.runIfActive", note: "async runIfActive", isOurs: false) { workers in
            let pool = NIOThreadPool(numberOfThreads: workers)
            pool.start()
            return ({ work in try! await pool.runIfActive(work) }, { try! pool.syncShutdownGracefully() })
        },
    ]
}

func makeAsyncWorkloads(_ sizes: AsyncSizes) -> [Workload] {
    let w7 = Workload(
        id: "W7",
        title: "async round trip: one task awaits \(sizes.roundTrips) hand-offs of { 1 }, one after another, 2 workers",
        count: sizes.roundTrips, warmUpCount: 1_000, parameters: ["workers": "2"],
        metrics: [
            Metric(key: "p50", label: "p50 latency", unit: "µs"), Metric(key: "p99", label: "p99 latency", unit: "µs"),
        ],
        contenders: asyncHandOffs.map { handOff in
            Contender(name: handOff.name, note: handOff.note, isOurs: handOff.isOurs) { count in
                let (run, shutdown) = handOff.make(defaultWorkers)
                let latencies = blockingAwait { () async -> [UInt64] in
                    var latencies = [UInt64](repeating: 0, count: count)
                    for i in 0..<count {
                        let start = nowNanoseconds()
                        let value = await run { 1 }
                        latencies[i] = nowNanoseconds() - start
                        precondition(value == 1)
                    }
                    return latencies
                }
                shutdown()
                return [
                    "p50": Statistics.percentile(latencies, 0.50) / 1000,
                    "p99": Statistics.percentile(latencies, 0.99) / 1000,
                ]
            }
        },
        targets: [
            Target(
                description: "pool.run p50 ≤ 0.8 × Dispatch + continuation", metric: "p50",
                kind: .rowRatio(row: "Futures pool.run", anchor: "Dispatch + continuation"), limit: 0.8),
            Target(
                description: "pool.run p99 ≤ 1 × Dispatch + continuation", metric: "p99",
                kind: .rowRatio(row: "Futures pool.run", anchor: "Dispatch + continuation"), limit: 1.0),
        ])

    let waves = (sizes.fanOutChildren + fanOutWorkers - 1) / fanOutWorkers
    let idealName = "ideal ⌈\(sizes.fanOutChildren)/\(fanOutWorkers)⌉ × usleep(\(sleepMicros))"
    let w8 = Workload(
        id: "W8",
        title:
            "async fan-out: a task group of \(sizes.fanOutChildren) children, each awaiting usleep(\(sleepMicros)), \(fanOutWorkers) workers",
        count: sizes.fanOutChildren, warmUpCount: fanOutWorkers * 2,
        parameters: ["workers": "\(fanOutWorkers)", "sleepMicros": "\(sleepMicros)", "waves": "\(waves)"],
        metrics: [Metric(key: "ms", label: "wall time", unit: "ms")],
        contenders: asyncHandOffs.map { handOff in
            let note = handOff.name.hasPrefix("Dispatch") ? "global queue, not widened" : handOff.note
            return Contender(name: handOff.name, note: note, isOurs: handOff.isOurs) { count in
                let (run, shutdown) = handOff.make(fanOutWorkers)
                let start = nowNanoseconds()
                let sum = blockingAwait {
                    await withTaskGroup(of: Int.self) { group in
                        for _ in 0..<count {
                            group.addTask {
                                await run {
                                    usleep(sleepMicros); return 1
                                }
                            }
                        }
                        return await group.reduce(0, +)
                    }
                }
                let elapsed = nowNanoseconds() - start
                shutdown()
                precondition(sum == count)
                return ["ms": Double(elapsed) / 1e6]
            }
        }
            + [
                Contender(name: idealName, note: "one usleep measured each round", isOurs: false) { count in
                    let sleep = measuredSleepNanoseconds(micros: sleepMicros)
                    return ["ms": Double((count + fanOutWorkers - 1) / fanOutWorkers) * sleep / 1e6]
                }
            ],
        targets: [
            Target(
                description: "pool.run ≤ 1.05 × ideal", metric: "ms",
                kind: .rowRatio(row: "Futures pool.run", anchor: idealName), limit: 1.05)
        ])

    let w9 = submitterCounts.map { submitters in
        Workload(
            id: "W9",
            title:
                "many submitters: \(submitters) thread(s) submit \(sizes.contendedTasks) tiny tasks in all, \(defaultWorkers) workers",
            count: sizes.contendedTasks, warmUpCount: 20_000,
            parameters: ["workers": "\(defaultWorkers)", "submitters": "\(submitters)"],
            metrics: [Metric(key: "nsPerTask", label: "time per task", unit: "ns")],
            contenders: contendedSystems.map { system in
                Contender(name: system.name, note: system.note, isOurs: system.isOurs) { count in
                    ["nsPerTask": Double(system.run(count, submitters)) / Double(count)]
                }
            },
            targets: [
                Target(
                    description: "ours ≤ 0.5 × Dispatch (\(submitters) submitters)", metric: "nsPerTask",
                    kind: .ratio(anchor: DispatchSystem.name), limit: 0.5)
            ])
    }

    let oneCPU = Workload(
        id: "W2-1CPU",
        title:
            "round trip on one processor: W2 (\(sizes.oneCPURoundTrips) round trips, 2 workers) with the process under taskset -c 0",
        count: sizes.oneCPURoundTrips, warmUpCount: nil, parameters: ["workers": "2", "affinity": "taskset -c 0"],
        metrics: [
            Metric(key: "p50", label: "p50 latency", unit: "µs"), Metric(key: "p99", label: "p99 latency", unit: "µs"),
        ],
        contenders: allPoolSystems().filter { $0.name != TaskGroupSystem.name }.map { system in
            Contender(name: system.name, note: system.note + "; child process", isOurs: system.isOurs) { count in
                roundTripOnOneProcessor(system: system.name, iterations: count)
            }
        },
        targets: [
            Target(
                description: "ours p50 on one processor ≤ 1 × best anchor", metric: "p50",
                kind: .ratioToBestAnchor(excluding: []), limit: 1.0)
        ])

    return [w7, w8] + w9 + [oneCPU]
}

// MARK: W9: many submitting threads

/// A pool that any thread may submit a tiny task to.
struct ContendedSystem {
    let name: String
    let note: String
    let isOurs: Bool
    /// `submitters` threads submit `tasks` tiny tasks in all; nanoseconds from their common start until the
    /// last task ran.
    let run: (_ tasks: Int, _ submitters: Int) -> UInt64
}

/// Starts `submitters` threads that wait at a gate, then each call `submit` `tasks / submitters` times (the
/// first takes the remainder); returns the nanoseconds from opening the gate until `tally` reached `tasks`.
func timedSubmitters(tasks: Int, submitters: Int, _ submit: @escaping @Sendable () -> Void) -> UInt64 {
    tally.reset(expecting: tasks)
    let gate = Gate()
    for index in 0..<submitters {
        let share = tasks / submitters + (index == 0 ? tasks % submitters : 0)
        Thread {
            gate.wait()
            for _ in 0..<share { submit() }
        }.start()
    }
    gate.waitForArrivals(submitters)
    let start = nowNanoseconds()
    gate.open()
    tally.waitForTarget()
    return nowNanoseconds() - start
}

var contendedSystems: [ContendedSystem] {
    [
        ContendedSystem(name: OursSystem.name, note: "a Future per task", isOurs: true) { tasks, submitters in
            let pool = ThreadPoolExecutor(maxWorkers: defaultWorkers)
            defer { pool.shutdown(wait: true) }
            return timedSubmitters(tasks: tasks, submitters: submitters) { _ = try! pool.submit { tinyTask() } }
        },
        ContendedSystem(name: DispatchSystem.name, note: DispatchSystem.note, isOurs: false) { tasks, submitters in
            let queue = DispatchQueue.global()
            return timedSubmitters(tasks: tasks, submitters: submitters) { queue.async { tinyTask() } }
        },
        ContendedSystem(name: NIOThreadPoolSystem.name, note: NIOThreadPoolSystem.note, isOurs: false) {
            tasks, submitters in
            let pool = NIOThreadPool(numberOfThreads: defaultWorkers)
            pool.start()
            defer { try! pool.syncShutdownGracefully() }
            return timedSubmitters(tasks: tasks, submitters: submitters) { pool.submit { _ in tinyTask() } }
        },
        ContendedSystem(name: PlainPoolSystem.name, note: PlainPoolSystem.note, isOurs: false) { tasks, submitters in
            let pool = PlainPool(threads: defaultWorkers)
            defer { pool.shutdown() }
            return timedSubmitters(tasks: tasks, submitters: submitters) { pool.submit { tinyTask() } }
        },
    ]
}

// MARK: W2 on one processor: a child process under taskset

let oneProcessorChildFlag = "--w2-one-cpu-child"

/// Runs `taskset -c 0 <this executable> --w2-one-cpu-child <system> <iterations>` and reads its p50 and p99.
func roundTripOnOneProcessor(system: String, iterations: Int) -> [String: Double] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
    process.arguments = ["-c", "0", currentExecutablePath(), oneProcessorChildFlag, system, String(iterations)]
    let output = Pipe()
    process.standardOutput = output
    do {
        try process.run()
    } catch {
        fatalError("W2-1CPU: could not start taskset for \(system): \(error)")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0,
        let line = text.split(separator: "\n").last(where: { $0.hasPrefix("W2RESULT ") }),
        case let fields = line.split(separator: " "), fields.count == 3,
        let p50 = Double(fields[1]), let p99 = Double(fields[2])
    else {
        fatalError("W2-1CPU: the child process for \(system) failed (status \(process.terminationStatus)): \(text)")
    }
    return ["p50": p50, "p99": p99]
}

/// Child side: one W2 round of one system, printed as `W2RESULT <p50 µs> <p99 µs>`.
func runOneProcessorChild(_ arguments: [String]) -> Never {
    guard arguments.count == 2, let iterations = Int(arguments[1]), iterations > 0,
        let system = allPoolSystems().first(where: { $0.name == arguments[0] })
    else {
        FileHandle.standardError.write(Data("usage: \(oneProcessorChildFlag) SYSTEM-NAME ITERATIONS\n".utf8))
        exit(2)
    }
    _ = system.roundTrip(iterations: min(iterations, 2_000), workers: defaultWorkers)  // warm-up
    let latencies = system.roundTrip(iterations: iterations, workers: defaultWorkers)
    print("W2RESULT \(Statistics.percentile(latencies, 0.50) / 1000) \(Statistics.percentile(latencies, 0.99) / 1000)")
    exit(0)
}
