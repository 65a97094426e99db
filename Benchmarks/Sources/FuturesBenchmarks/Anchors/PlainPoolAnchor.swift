// Anchor: the hand-rolled pool everyone writes — N threads, one array queue under one lock, one condition
// variable. The lock is a pthread mutex rather than Synchronization's `Mutex`, because a pthread condition
// variable can only wait on a pthread mutex. Submitting signals one sleeping worker, after unlocking.

import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class PlainPool: @unchecked Sendable {
    // Everything below `mutex` is guarded by it.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let workAvailable = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let allExited = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var queue: [@Sendable () -> Void] = []
    private var head = 0  // queue[head...] is pending; the consumed prefix is dropped now and then
    private var idle = 0
    private var alive = 0
    private var stopping = false

    init(threads: Int) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(workAvailable, nil)
        pthread_cond_init(allExited, nil)
        alive = threads
        for index in 0..<threads {
            let thread = Thread { [self] in self.workerLoop() }
            thread.name = "plain-\(index)"
            thread.start()
        }
    }

    deinit {
        pthread_cond_destroy(allExited)
        pthread_cond_destroy(workAvailable)
        pthread_mutex_destroy(mutex)
        allExited.deallocate()
        workAvailable.deallocate()
        mutex.deallocate()
    }

    func submit(_ work: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(mutex)
        queue.append(work)
        let wake = idle > 0
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(workAvailable) }
    }

    /// Lets the queued work finish, then waits for every thread to exit.
    func shutdown() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(workAvailable)
        while alive > 0 { pthread_cond_wait(allExited, mutex) }
        pthread_mutex_unlock(mutex)
    }

    private func workerLoop() {
        pthread_mutex_lock(mutex)
        while true {
            if head < queue.count {
                let work = queue[head]
                head += 1
                if head >= 4096 && head * 2 >= queue.count {
                    queue.removeFirst(head)
                    head = 0
                }
                pthread_mutex_unlock(mutex)
                work()
                pthread_mutex_lock(mutex)
            } else if stopping {
                break
            } else {
                idle += 1
                pthread_cond_wait(workAvailable, mutex)
                idle -= 1
            }
        }
        alive -= 1
        if alive == 0 { pthread_cond_broadcast(allExited) }
        pthread_mutex_unlock(mutex)
    }
}

enum PlainPoolSystem: PoolSystem {
    static let name = "plain pool (lock + condvar)"
    static let note = "no futures"

    static func throughput(tasks: Int, workers: Int) -> UInt64 {
        let pool = PlainPool(threads: workers)
        tally.reset(expecting: tasks)
        let start = nowNanoseconds()
        for _ in 0..<tasks {
            pool.submit { tinyTask() }
        }
        tally.waitForTarget()
        let elapsed = nowNanoseconds() - start
        pool.shutdown()
        return elapsed
    }

    static func roundTrip(iterations: Int, workers: Int) -> [UInt64] {
        let pool = PlainPool(threads: workers)
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        var latencies = [UInt64](repeating: 0, count: iterations)
        for i in 0..<iterations {
            let start = nowNanoseconds()
            pool.submit {
                box.set(1)
                done.signal()
            }
            done.wait()
            latencies[i] = nowNanoseconds() - start
            precondition(box.get() == 1)
        }
        pool.shutdown()
        return latencies
    }

    static func fanOut(tasks: Int, workers: Int, sleepMicros: UInt32) -> UInt64 {
        let pool = PlainPool(threads: workers)
        let group = DispatchGroup()
        let start = nowNanoseconds()
        for _ in 0..<tasks {
            group.enter()
            pool.submit {
                usleep(sleepMicros)
                group.leave()
            }
        }
        group.wait()
        let elapsed = nowNanoseconds() - start
        pool.shutdown()
        return elapsed
    }

    static func pendingMemory(tasks: Int, workers: Int) -> (bytesPerTask: Double, ranEarly: Int) {
        let pool = PlainPool(threads: workers)
        let gate = Gate()
        for _ in 0..<workers {
            pool.submit { gate.wait() }
        }
        gate.waitForArrivals(workers)
        tally.reset(expecting: tasks)
        let before = allocatedBytes()
        for _ in 0..<tasks {
            pool.submit { tinyTask() }
        }
        let after = allocatedBytes()
        let ranEarly = tally.value
        gate.open()
        tally.waitForTarget()
        pool.shutdown()
        return (Double(after - before) / Double(tasks), ranEarly)
    }
}
