// Anchor: Foundation's OperationQueue with maxConcurrentOperationCount = workers.

import Foundation

enum OperationQueueSystem: PoolSystem {
    static let name = "OperationQueue"
    static let note = "no futures"

    private static func makeQueue(_ workers: Int) -> OperationQueue {
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = workers
        return queue
    }

    static func throughput(tasks: Int, workers: Int) -> UInt64 {
        let queue = makeQueue(workers)
        tally.reset(expecting: nil)
        let start = nowNanoseconds()
        for _ in 0..<tasks {
            queue.addOperation { tinyTask() }
        }
        queue.waitUntilAllOperationsAreFinished()
        return nowNanoseconds() - start
    }

    static func roundTrip(iterations: Int, workers: Int) -> [UInt64] {
        let queue = makeQueue(workers)
        let box = ResultBox()
        var latencies = [UInt64](repeating: 0, count: iterations)
        for i in 0..<iterations {
            let start = nowNanoseconds()
            let operation = BlockOperation { box.set(1) }
            queue.addOperation(operation)
            operation.waitUntilFinished()
            latencies[i] = nowNanoseconds() - start
            precondition(box.get() == 1)
        }
        return latencies
    }

    static func fanOut(tasks: Int, workers: Int, sleepMicros: UInt32) -> UInt64 {
        let queue = makeQueue(workers)
        let start = nowNanoseconds()
        for _ in 0..<tasks {
            queue.addOperation { _ = usleep(sleepMicros) }
        }
        queue.waitUntilAllOperationsAreFinished()
        return nowNanoseconds() - start
    }

    static func pendingMemory(tasks: Int, workers: Int) -> (bytesPerTask: Double, ranEarly: Int) {
        let queue = makeQueue(workers)
        let gate = Gate()
        for _ in 0..<workers {
            queue.addOperation { gate.wait() }
        }
        gate.waitForArrivals(workers)
        tally.reset(expecting: tasks)
        let before = allocatedBytes()
        for _ in 0..<tasks {
            queue.addOperation { tinyTask() }
        }
        let after = allocatedBytes()
        let ranEarly = tally.value
        gate.open()
        queue.waitUntilAllOperationsAreFinished()
        tally.waitForTarget()
        return (Double(after - before) / Double(tasks), ranEarly)
    }
}
