// The library under test, used only through the pinned API: ThreadPoolExecutor(maxWorkers:), submit,
// Future.result(), map(_:chunkSize:_:) and shutdown(wait: true).

import Futures

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum OursSystem: PoolSystem {
    static let name = "Futures ThreadPoolExecutor"
    static let note = "a Future per task"
    static let isOurs = true

    static func throughput(tasks: Int, workers: Int) -> UInt64 {
        let pool = ThreadPoolExecutor(maxWorkers: workers)
        tally.reset(expecting: tasks)
        let start = nowNanoseconds()
        for _ in 0..<tasks {
            _ = try! pool.submit { tinyTask() }
        }
        tally.waitForTarget()
        let elapsed = nowNanoseconds() - start
        pool.shutdown(wait: true)
        return elapsed
    }

    /// W1 with a deadline on every task, one minute away (issue 19): what arming and disarming cost.
    static func throughputWithDeadlines(tasks: Int, workers: Int) -> UInt64 {
        let pool = ThreadPoolExecutor(maxWorkers: workers)
        tally.reset(expecting: tasks)
        let start = nowNanoseconds()
        let deadline = ContinuousClock.now + .seconds(60)
        for _ in 0..<tasks {
            _ = try! pool.submit(deadline: deadline) { tinyTask() }
        }
        tally.waitForTarget()
        let elapsed = nowNanoseconds() - start
        pool.shutdown(wait: true)
        return elapsed
    }

    static func roundTrip(iterations: Int, workers: Int) -> [UInt64] {
        let pool = ThreadPoolExecutor(maxWorkers: workers)
        var latencies = [UInt64](repeating: 0, count: iterations)
        for i in 0..<iterations {
            let start = nowNanoseconds()
            let value = try! pool.submit { 1 }.result()
            latencies[i] = nowNanoseconds() - start
            precondition(value == 1)
        }
        pool.shutdown(wait: true)
        return latencies
    }

    /// Threads start lazily (one per submit while none is idle), so their start-up is inside the timed part.
    static func fanOut(tasks: Int, workers: Int, sleepMicros: UInt32) -> UInt64 {
        timedFanOut(on: ThreadPoolExecutor(maxWorkers: workers), tasks: tasks, sleepMicros: sleepMicros)
    }

    /// W3 as the anchors are measured: the pool's `workers` threads are running (started by a first round of
    /// tasks that wait for each other) before the clock starts.
    static func fanOutWithThreadsRunning(
        tasks: Int, workers: Int, sleepMicros: UInt32, waitingWithWait: Bool = false
    ) -> UInt64 {
        let pool = ThreadPoolExecutor(maxWorkers: workers)
        let gate = Gate()
        let starters = (0..<workers).map { _ in try! pool.submit { gate.wait() } }
        gate.waitForArrivals(workers)  // every task holds its own thread, so all `workers` threads exist
        gate.open()
        for starter in starters { try! starter.result() }
        return timedFanOut(on: pool, tasks: tasks, sleepMicros: sleepMicros, waitingWithWait: waitingWithWait)
    }

    /// Submits `tasks` sleeps to `pool`, waits for all, and shuts the pool down; the nanoseconds from the
    /// first submit until the last result.
    /// With `waitingWithWait`, the caller waits with one `wait(futures)` (as users write it) instead of a
    /// `result()` loop.
    private static func timedFanOut(
        on pool: ThreadPoolExecutor, tasks: Int, sleepMicros: UInt32, waitingWithWait: Bool = false
    ) -> UInt64 {
        let start = nowNanoseconds()
        var futures: [Future<Void>] = []
        futures.reserveCapacity(tasks)
        for _ in 0..<tasks {
            futures.append(try! pool.submit { _ = usleep(sleepMicros) })
        }
        if waitingWithWait {
            precondition(wait(futures).notDone.isEmpty)
        } else {
            for future in futures { try! future.result() }
        }
        let elapsed = nowNanoseconds() - start
        pool.shutdown(wait: true)
        return elapsed
    }

    /// The caller drops each Future; the pool still holds it with its task, so the figure is task + future.
    static func pendingMemory(tasks: Int, workers: Int) -> (bytesPerTask: Double, ranEarly: Int) {
        let pool = ThreadPoolExecutor(maxWorkers: workers)
        let gate = Gate()
        for _ in 0..<workers {
            _ = try! pool.submit { gate.wait() }
        }
        gate.waitForArrivals(workers)
        tally.reset(expecting: tasks)
        let before = allocatedBytes()
        for _ in 0..<tasks {
            _ = try! pool.submit { tinyTask() }
        }
        let after = allocatedBytes()
        let ranEarly = tally.value
        gate.open()
        tally.waitForTarget()
        pool.shutdown(wait: true)
        return (Double(after - before) / Double(tasks), ranEarly)
    }

    /// W5: `pool.map` with the given chunkSize (nil: the pool picks).
    static func map(_ input: [Int], workers: Int, chunkSize: Int?) -> (nanoseconds: UInt64, output: [Int]) {
        let pool = ThreadPoolExecutor(maxWorkers: workers)
        let start = nowNanoseconds()
        let output = try! pool.map(input, chunkSize: chunkSize) { $0 * 2 }
        let elapsed = nowNanoseconds() - start
        pool.shutdown(wait: true)
        return (elapsed, output)
    }
}
