// Anchor: structured concurrency, `withTaskGroup` on the concurrency runtime's global (cooperative) executor.
//
// Its thread count is the runtime's choice (the number of cores: 2 on the benchmark machine), not `workers`.
// The caller is itself a task on that executor; each function times itself inside the async code, so the
// bridge from the benchmark's plain thread into async is not measured. W3 blocks the executor's threads with
// usleep — exactly what async code must not do, and the reason this library exists; the row shows the cost.

import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum TaskGroupSystem: PoolSystem {
    static let name = "withTaskGroup"
    static let note = "no futures; cooperative pool, threads = cores"

    static func throughput(tasks: Int, workers: Int) -> UInt64 {
        blockingAwait {
            let start = nowNanoseconds()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<tasks {
                    group.addTask { tinyTask() }
                }
                await group.waitForAll()
            }
            return nowNanoseconds() - start
        }
    }

    static func roundTrip(iterations: Int, workers: Int) -> [UInt64] {
        blockingAwait {
            var latencies = [UInt64](repeating: 0, count: iterations)
            for i in 0..<iterations {
                let start = nowNanoseconds()
                let value = await withTaskGroup(of: Int.self) { group in
                    group.addTask { 1 }
                    return await group.next()!
                }
                latencies[i] = nowNanoseconds() - start
                precondition(value == 1)
            }
            return latencies
        }
    }

    static func fanOut(tasks: Int, workers: Int, sleepMicros: UInt32) -> UInt64 {
        blockingAwait {
            let start = nowNanoseconds()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<tasks {
                    group.addTask { _ = usleep(sleepMicros) }
                }
                await group.waitForAll()
            }
            return nowNanoseconds() - start
        }
    }

    /// The parent task occupies one executor thread while it adds children; gate children park the others.
    static func pendingMemory(tasks: Int, workers: Int) -> (bytesPerTask: Double, ranEarly: Int) {
        let gate = Gate()
        return blockingAwait {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<workers {
                    group.addTask { gate.wait() }
                }
                // The parent holds one of the executor's threads, so only `workers - 1` gate children can start.
                gate.waitForArrivals(max(workers - 1, 1))
                tally.reset(expecting: tasks)
                let before = allocatedBytes()
                for _ in 0..<tasks {
                    group.addTask { tinyTask() }
                }
                let after = allocatedBytes()
                let ranEarly = tally.value
                gate.open()
                await group.waitForAll()
                return (Double(after - before) / Double(tasks), ranEarly)
            }
        }
    }
}
