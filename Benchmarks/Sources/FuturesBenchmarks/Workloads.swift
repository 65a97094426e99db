// The five workloads of issue 5, each with its rows (ours and the anchors) and its targets.

import Foundation

/// How big one round of each workload is.
struct Sizes {
    var throughputTasks: Int
    var roundTrips: Int
    var fanOutTasks: Int
    var pendingTasks: Int
    var mapItems: Int

    static let full = Sizes(
        throughputTasks: 1_000_000, roundTrips: 100_000, fanOutTasks: 2_000, pendingTasks: 1_000_000,
        mapItems: 1_000_000)
    static let quick = Sizes(
        throughputTasks: 100_000, roundTrips: 10_000, fanOutTasks: 640, pendingTasks: 100_000, mapItems: 200_000)
}

let defaultWorkers = 2
let fanOutWorkers = 64
let sleepMicros: UInt32 = 1000

/// The chunkSize of the "tuned" map row (`--chunk-size` overrides it). The pool's own default is about eight
/// chunks per worker (62,500 for 1,000,000 items on 2 workers); in a sweep of 4,096…500,000 on the 2-core
/// machine (busy, so only a hint), 16,384 did best: big enough to pay for its future, small enough that the
/// chunks start flowing back while the caller still submits and that the two workers finish close together.
let tunedChunkSize = 16_384

func makeWorkloads(_ sizes: Sizes, chunkSizeOverride: Int?) -> [Workload] {
    let systems = allPoolSystems()
    let ours = OursSystem.name

    let w1 = Workload(
        id: "W1",
        title: "throughput: \(sizes.throughputTasks) tiny tasks (one atomic increment), \(defaultWorkers) workers",
        count: sizes.throughputTasks, warmUpCount: 20_000,
        parameters: ["workers": "\(defaultWorkers)", "task": "atomic increment"],
        metrics: [Metric(key: "nsPerTask", label: "time per task", unit: "ns")],
        contenders: systems.map { system in
            Contender(name: system.name, note: system.note, isOurs: system.isOurs) { count in
                ["nsPerTask": Double(system.throughput(tasks: count, workers: defaultWorkers)) / Double(count)]
            }
        } + [
            Contender(name: "Futures submit(deadline:)", note: "every task, 1 min away; no target", isOurs: true) {
                count in
                [
                    "nsPerTask": Double(OursSystem.throughputWithDeadlines(tasks: count, workers: defaultWorkers))
                        / Double(count)
                ]
            }
        ],
        targets: [
            Target(
                description: "ours ≤ 0.5 × Dispatch", metric: "nsPerTask", kind: .ratio(anchor: DispatchSystem.name),
                limit: 0.5),
            Target(
                description: "ours ≤ 0.5 × NIOThreadPool", metric: "nsPerTask",
                kind: .ratio(anchor: NIOThreadPoolSystem.name), limit: 0.5),
            Target(
                description: "ours ≤ 1 × plain pool", metric: "nsPerTask",
                kind: .ratio(anchor: PlainPoolSystem.name), limit: 1.0),
        ])

    let w2 = Workload(
        id: "W2",
        title:
            "round trip: submit one task and block on its result, \(sizes.roundTrips) times, \(defaultWorkers) workers",
        count: sizes.roundTrips, warmUpCount: 2_000,
        parameters: ["workers": "\(defaultWorkers)"],
        metrics: [
            Metric(key: "p50", label: "p50 latency", unit: "µs"),
            Metric(key: "p99", label: "p99 latency", unit: "µs"),
        ],
        contenders: systems.map { system in
            let note = system.name == TaskGroupSystem.name ? "caller awaits, does not block" : system.note
            return Contender(name: system.name, note: note, isOurs: system.isOurs) { count in
                let latencies = system.roundTrip(iterations: count, workers: defaultWorkers)
                return [
                    "p50": Statistics.percentile(latencies, 0.50) / 1000,
                    "p99": Statistics.percentile(latencies, 0.99) / 1000,
                    "mean": Double(latencies.reduce(0, +)) / Double(latencies.count) / 1000,
                ]
            }
        },
        targets: [
            // withTaskGroup's caller does not block: it suspends, and its thread is free to run the child, so
            // no thread is woken. It is shown, but it is not a blocking round trip and is left out of "best".
            Target(
                description: "ours p50 ≤ 1 × best blocking anchor's p50", metric: "p50",
                kind: .ratioToBestAnchor(excluding: [TaskGroupSystem.name]), limit: 1.0),
            Target(
                description: "ours p99 ≤ 1 × Dispatch's p99", metric: "p99",
                kind: .ratio(anchor: DispatchSystem.name), limit: 1.0),
        ])

    let waves = (sizes.fanOutTasks + fanOutWorkers - 1) / fanOutWorkers
    let idealName = "ideal ⌈\(sizes.fanOutTasks)/\(fanOutWorkers)⌉ × usleep(\(sleepMicros))"
    let ideal = Contender(name: idealName, note: "one usleep measured each round", isOurs: false) { count in
        let sleep = measuredSleepNanoseconds(micros: sleepMicros)
        let waves = (count + fanOutWorkers - 1) / fanOutWorkers
        return ["ms": Double(waves) * sleep / 1e6, "usleepNs": sleep]
    }
    let w3 = Workload(
        id: "W3",
        title: "blocking fan-out: \(sizes.fanOutTasks) tasks of usleep(\(sleepMicros)) on \(fanOutWorkers) workers",
        count: sizes.fanOutTasks, warmUpCount: fanOutWorkers * 2,
        parameters: ["workers": "\(fanOutWorkers)", "sleepMicros": "\(sleepMicros)", "waves": "\(waves)"],
        metrics: [Metric(key: "ms", label: "wall time", unit: "ms")],
        // Ours twice: first with its threads running before the clock starts, as every anchor's are (the
        // target's row); then from a new pool, whose threads start lazily inside the measured time.
        contenders: [
            Contender(
                name: "\(ours) (threads running)", note: "\(fanOutWorkers) threads started before the clock",
                isOurs: true
            ) { count in
                let nanoseconds = OursSystem.fanOutWithThreadsRunning(
                    tasks: count, workers: fanOutWorkers, sleepMicros: sleepMicros)
                return ["ms": Double(nanoseconds) / 1e6]
            },
            Contender(
                name: "\(ours) (threads running, wait)", note: "submit all, then one wait(futures)", isOurs: true
            ) { count in
                let nanoseconds = OursSystem.fanOutWithThreadsRunning(
                    tasks: count, workers: fanOutWorkers, sleepMicros: sleepMicros, waitingWithWait: true)
                return ["ms": Double(nanoseconds) / 1e6]
            },
        ]
            + systems.map { system in
                Contender(
                    name: system.name, note: system.isOurs ? "threads start lazily, inside the timing" : system.note,
                    isOurs: system.isOurs
                ) { count in
                    ["ms": Double(system.fanOut(tasks: count, workers: fanOutWorkers, sleepMicros: sleepMicros)) / 1e6]
                }
            } + [ideal],
        targets: [
            Target(
                description: "ours (threads running, as the anchors') ≤ 1.05 × ideal", metric: "ms",
                kind: .ratio(anchor: idealName), limit: 1.05),
            Target(
                description: "ours (threads running, wait(futures)) ≤ 1.05 × ideal", metric: "ms",
                kind: .rowRatio(row: "\(ours) (threads running, wait)", anchor: idealName), limit: 1.05),
        ])

    let w4 = Workload(
        id: "W4", title: "memory: \(sizes.pendingTasks) tasks pending behind a gate, \(defaultWorkers) workers",
        count: sizes.pendingTasks, warmUpCount: nil,
        parameters: [
            "workers": "\(defaultWorkers)",
            "measure": "glibc mallinfo2 uordblks + hblkhd delta / count, each system in a fresh child process",
        ],
        metrics: [
            Metric(key: "bytesPerTask", label: "bytes per pending task (ours: task + its Future)", unit: "bytes")
        ],
        contenders: systems.map { system in
            Contender(name: system.name, note: system.note, isOurs: system.isOurs) { count in
                let (bytes, ranEarly) = pendingMemoryInChildProcess(system: system.name, tasks: count)
                return ["bytesPerTask": bytes, "ranEarly": Double(ranEarly)]
            }
        },
        targets: [
            Target(
                description: "ours ≤ 96 bytes per pending task", metric: "bytesPerTask", kind: .absolute, limit: 96)
        ])

    let tuned = chunkSizeOverride ?? tunedChunkSize
    let mapRow: (String, String, Bool, @escaping ([Int]) -> (nanoseconds: UInt64, output: [Int])) -> Contender = {
        name, note, isOurs, body in
        Contender(name: name, note: note, isOurs: isOurs) { count in
            let input = Array(0..<count)
            let (nanoseconds, output) = body(input)
            precondition(
                output.count == count && output.last == (count - 1) * 2 && output[count / 2] == (count / 2) * 2,
                "\(name) returned wrong results")
            return ["nsPerItem": Double(nanoseconds) / Double(count)]
        }
    }
    let w5 = Workload(
        id: "W5", title: "map: x * 2 over \(sizes.mapItems) Ints, results in order, \(defaultWorkers) workers",
        count: sizes.mapItems, warmUpCount: 100_000,
        parameters: ["workers": "\(defaultWorkers)", "tunedChunkSize": "\(tuned)"],
        metrics: [Metric(key: "nsPerItem", label: "time per item", unit: "ns")],
        contenders: [
            mapRow("\(ours) map", "chunkSize: nil (pool picks)", true) {
                OursSystem.map($0, workers: defaultWorkers, chunkSize: nil)
            },
            mapRow("\(ours) map (tuned)", "chunkSize: \(tuned)", true) {
                OursSystem.map($0, workers: defaultWorkers, chunkSize: tuned)
            },
            mapRow("concurrentPerform", "one iteration per item", false) { MapAnchors.concurrentPerform($0) },
            mapRow("concurrentPerform (chunked)", "one chunk per core; reference", false) {
                MapAnchors.concurrentPerformChunked($0, chunks: ProcessInfo.processInfo.activeProcessorCount)
            },
            mapRow("Dispatch global().async", "one async per item", false) { MapAnchors.dispatchAsyncPerItem($0) },
        ],
        targets: [
            Target(
                description: "ours (chunkSize nil) ≤ 3 × concurrentPerform", metric: "nsPerItem",
                kind: .ratio(anchor: "concurrentPerform"), limit: 3),
            Target(
                description: "ours (chunkSize nil) ≤ 0.25 × Dispatch async per item", metric: "nsPerItem",
                kind: .ratio(anchor: "Dispatch global().async"), limit: 0.25),
        ])

    return [w1, w2, w3, w4, w5]
}
