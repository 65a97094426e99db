// Anchor: swift-nio's NIOThreadPool (`submit`, which hands the closure a WorkItemState and returns nothing).

import Dispatch
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum NIOThreadPoolSystem: PoolSystem {
    static let name = "NIOThreadPool"
    static let note = "no futures"

    private static func makePool(_ threads: Int) -> NIOThreadPool {
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        return pool
    }

    static func throughput(tasks: Int, workers: Int) -> UInt64 {
        let pool = makePool(workers)
        tally.reset(expecting: tasks)
        let start = nowNanoseconds()
        for _ in 0..<tasks {
            pool.submit { _ in tinyTask() }
        }
        tally.waitForTarget()
        let elapsed = nowNanoseconds() - start
        try! pool.syncShutdownGracefully()
        return elapsed
    }

    static func roundTrip(iterations: Int, workers: Int) -> [UInt64] {
        let pool = makePool(workers)
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        var latencies = [UInt64](repeating: 0, count: iterations)
        for i in 0..<iterations {
            let start = nowNanoseconds()
            pool.submit { _ in
                box.set(1)
                done.signal()
            }
            done.wait()
            latencies[i] = nowNanoseconds() - start
            precondition(box.get() == 1)
        }
        try! pool.syncShutdownGracefully()
        return latencies
    }

    static func fanOut(tasks: Int, workers: Int, sleepMicros: UInt32) -> UInt64 {
        let pool = makePool(workers)
        let group = DispatchGroup()
        let start = nowNanoseconds()
        for _ in 0..<tasks {
            group.enter()
            pool.submit { _ in
                usleep(sleepMicros)
                group.leave()
            }
        }
        group.wait()
        let elapsed = nowNanoseconds() - start
        try! pool.syncShutdownGracefully()
        return elapsed
    }

    static func pendingMemory(tasks: Int, workers: Int) -> (bytesPerTask: Double, ranEarly: Int) {
        let pool = makePool(workers)
        let gate = Gate()
        for _ in 0..<workers {
            pool.submit { _ in gate.wait() }
        }
        gate.waitForArrivals(workers)
        tally.reset(expecting: tasks)
        let before = allocatedBytes()
        for _ in 0..<tasks {
            pool.submit { _ in tinyTask() }
        }
        let after = allocatedBytes()
        let ranEarly = tally.value
        gate.open()
        tally.waitForTarget()
        try! pool.syncShutdownGracefully()
        return (Double(after - before) / Double(tasks), ranEarly)
    }
}
