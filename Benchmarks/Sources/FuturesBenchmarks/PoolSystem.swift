// The shape each system under test fills in: one function per workload W1–W4 (W5, map, is in MapSystems.swift).

/// A way to run blocking work on a bounded set of threads: ours, or one of the anchors we compare against.
///
/// Each function builds its own pool (outside the timed part unless it says otherwise), runs one round of the
/// workload, shuts the pool down and returns the figure of that round.
protocol PoolSystem {
    /// Row label in the tables.
    static var name: String { get }
    /// What the reader must know about this row (e.g. "no futures", "2 threads = cores").
    static var note: String { get }
    /// True for the library under test.
    static var isOurs: Bool { get }

    /// W1: submit `tasks` tiny tasks to `workers` threads and wait for all; total nanoseconds from the first
    /// submit to the moment the caller knows all are done.
    static func throughput(tasks: Int, workers: Int) -> UInt64

    /// W2: one caller submits one task and blocks on its result, `iterations` times; each latency in nanoseconds.
    static func roundTrip(iterations: Int, workers: Int) -> [UInt64]

    /// W3: `tasks` tasks of `usleep(sleepMicros)` on `workers` threads; wall nanoseconds until all are done.
    static func fanOut(tasks: Int, workers: Int, sleepMicros: UInt32) -> UInt64

    /// W4: with all `workers` blocked on a gate, queue `tasks` tiny tasks and return the malloc'd bytes this
    /// added, divided by `tasks`; then open the gate and let them all run. Also returns how many of the tiny
    /// tasks had run by the time of the measurement (should be 0).
    static func pendingMemory(tasks: Int, workers: Int) -> (bytesPerTask: Double, ranEarly: Int)
}

extension PoolSystem {
    static var isOurs: Bool { false }
}

/// Every system, ours first; the tables keep this order.
func allPoolSystems() -> [any PoolSystem.Type] {
    [
        OursSystem.self,
        DispatchSystem.self,
        NIOThreadPoolSystem.self,
        OperationQueueSystem.self,
        TaskGroupSystem.self,
        PlainPoolSystem.self,
    ]
}
