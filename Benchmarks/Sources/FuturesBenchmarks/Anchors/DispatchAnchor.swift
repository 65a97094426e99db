// Anchor: Dispatch's global concurrent queue, `DispatchQueue.global().async` + `DispatchGroup`.
//
// We use the global queue itself, as a Swift user would. Its width is the number of active processors (2 on the
// benchmark machine, equal to the 2 workers of W1/W2), and `workers` cannot be set. For W3 (64 "workers")
// Dispatch decides how many threads to add while the others sleep in usleep; that is what a user gets.
// W4 cannot park the global queue's threads behind a gate (libdispatch would start more threads and run the
// queued blocks), so it queues onto a private concurrent queue that targets the global one and is suspended:
// the blocks are allocated exactly as for `global().async`, and none runs.

import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum DispatchSystem: PoolSystem {
    static let name = "Dispatch global().async"
    static let note = "no futures; width = cores"

    static func throughput(tasks: Int, workers: Int) -> UInt64 {
        let queue = DispatchQueue.global()
        let group = DispatchGroup()
        tally.reset(expecting: nil)
        let start = nowNanoseconds()
        for _ in 0..<tasks {
            queue.async(group: group) { tinyTask() }
        }
        group.wait()
        return nowNanoseconds() - start
    }

    static func roundTrip(iterations: Int, workers: Int) -> [UInt64] {
        let queue = DispatchQueue.global()
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        var latencies = [UInt64](repeating: 0, count: iterations)
        for i in 0..<iterations {
            let start = nowNanoseconds()
            queue.async {
                box.set(1)
                done.signal()
            }
            done.wait()
            latencies[i] = nowNanoseconds() - start
            precondition(box.get() == 1)
        }
        return latencies
    }

    static func fanOut(tasks: Int, workers: Int, sleepMicros: UInt32) -> UInt64 {
        let queue = DispatchQueue.global()
        let group = DispatchGroup()
        let start = nowNanoseconds()
        for _ in 0..<tasks {
            queue.async(group: group) { _ = usleep(sleepMicros) }
        }
        group.wait()
        return nowNanoseconds() - start
    }

    static func pendingMemory(tasks: Int, workers: Int) -> (bytesPerTask: Double, ranEarly: Int) {
        let queue = DispatchQueue(label: "W4.suspended", attributes: .concurrent, target: .global())
        queue.suspend()
        tally.reset(expecting: tasks)
        let before = allocatedBytes()
        for _ in 0..<tasks {
            queue.async { tinyTask() }
        }
        let after = allocatedBytes()
        let ranEarly = tally.value
        queue.resume()
        tally.waitForTarget()
        return (Double(after - before) / Double(tasks), ranEarly)
    }
}

/// Where an anchor without futures leaves a task's result for the caller (W2).
final class ResultBox: @unchecked Sendable {
    // Written by the worker before it signals, read by the caller after the wait: the semaphore orders them.
    private var value = 0
    func set(_ newValue: Int) { value = newValue }
    func get() -> Int { value }
}
