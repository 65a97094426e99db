// Stopping work: the scoped executor, cancelling queued work, timeouts, and shutting a pool down, each
// with what the library prints for it.
//
//     swift run Shutdown
//
// Tasks here wait on a semaphore or sleep briefly so that the output is the same on every run: the
// example checks which tasks are running before it cancels anything.

import Dispatch
import Foundation
import Futures
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#elseif canImport(Android)
    import Android
#endif

/// The name of the calling thread, as the pool set it.
@Sendable func currentThreadName() -> String { Thread.current.name ?? "(unnamed)" }

/// Tasks that start, then wait until the main thread lets them finish.
final class Latch: Sendable {
    private let startedSemaphore = DispatchSemaphore(value: 0)
    private let releaseSemaphore = DispatchSemaphore(value: 0)
    init() {}
    /// Called by a task: says it started, then blocks until `release`.
    func startAndWait() {
        startedSemaphore.signal()
        releaseSemaphore.wait()
    }
    /// Called by the main thread: blocks until `count` tasks have started.
    func waitForStarts(_ count: Int) { for _ in 0..<count { startedSemaphore.wait() } }
    /// Lets `count` blocked tasks go on.
    func release(_ count: Int) { for _ in 0..<count { releaseSemaphore.signal() } }
}

func heading(_ title: String) { print("\n== \(title)") }
func ms(_ duration: Duration) -> String {
    "\(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000) ms"
}
let clock = ContinuousClock()

// MARK: 1. The scoped executor

heading("1. withThreadPoolExecutor: the pool lives for one block")
let threadNames = try withThreadPoolExecutor(maxWorkers: 3, threadNamePrefix: "scoped") { pool in
    let futures = try (1...6).map { _ in
        try pool.submit { () -> String in
            usleep(10_000)
            return currentThreadName()
        }
    }
    return try futures.map { try $0.result() }
}  // shutdown(wait: true) ran here, even if the block had thrown
print("6 tasks ran on threads named \(Set(threadNames).sorted())")
print("when the block returned, every task had finished and every worker thread had exited")

// MARK: 2. Cancelling queued work

heading("2. cancel(): only work that has not started")
do {
    let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "cancel")
    defer { pool.shutdown() }
    let latch = Latch()
    let futures = try (1...6).map { number in
        try pool.submit { () -> Int in
            latch.startAndWait()
            return number
        }
    }
    latch.waitForStarts(2)  // two workers, so tasks 1 and 2 run and 3...6 wait in the queue
    print("states:   ", futures.map(\.state))
    print("cancel() on each:", futures.map { $0.cancel() }, "(false: already running)")
    print("states:   ", futures.map(\.state))
    latch.release(2)
    for (number, future) in zip(1..., futures) {
        do {
            print("  task \(number): result \(try future.result())")
        } catch {
            print("  task \(number): \(error)")
        }
    }
}

// MARK: 3. Timeouts

heading("3. Timeouts: a wait that runs out of time leaves the work running")
try withThreadPoolExecutor(maxWorkers: 2) { pool in
    let slow = try pool.submit { () -> String in
        usleep(300_000)
        return "slow work's value"
    }
    let start = clock.now
    do {
        _ = try slow.result(timeout: .milliseconds(50))
    } catch {
        print("result(timeout: 50 ms) after \(ms(clock.now - start)): \(error)")
    }
    print(
        "the future is still \(slow.state); a timeout of zero (or less) only checks:",
        (try? slow.result(timeout: .zero)) ?? "not ready")
    print("result() with no timeout waits for it: \"\(try slow.result())\" after \(ms(clock.now - start))")

    let ran = Counter()
    let mapStart = clock.now
    do {
        _ = try pool.map(1...20, timeout: .milliseconds(150), chunkSize: 1) { item -> Int in
            ran.increment()
            usleep(100_000)
            return item
        }
    } catch {
        print("map over 20 items of 100 ms on 2 threads, timeout 150 ms: \(error) after \(ms(clock.now - mapStart))")
        print("  items started: \(ran.value); the other \(20 - ran.value) were cancelled and never ran")
    }
}

// MARK: 4. Shutting down

heading("4. shutdown(wait:cancelFutures:)")
do {
    let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "stop")
    let latch = Latch()
    let futures = try (1...8).map { number in
        try pool.submit { () -> Int in
            latch.startAndWait()
            return number
        }
    }
    latch.waitForStarts(2)
    // Without waiting: cancels the queued futures and returns at once; running tasks go on.
    pool.shutdown(wait: false, cancelFutures: true)
    print("shutdown(wait: false, cancelFutures: true) returned at once:")
    print("  states:", futures.map(\.state))
    do {
        _ = try pool.submit { 0 }
    } catch {
        print("  submit after shutdown: \(error)")
    }
    latch.release(2)
    pool.shutdown(wait: true)  // again, now waiting: returns when tasks 1 and 2 are done and the threads exited
    print("shutdown(wait: true) returned when the running tasks had finished and the threads had exited")
    print(
        "  finished:", futures.filter { $0.state == .finished }.map { try! $0.result() },
        " cancelled:", futures.filter(\.isCancelled).count)
    print("shutdown may be called any number of times, from any thread")
}

// MARK: 5. A pool you forget to shut down

heading("5. A pool released without shutdown")
do {
    var pool: ThreadPoolExecutor? = ThreadPoolExecutor(maxWorkers: 2)
    let future = try pool!.submit { () -> String in
        usleep(50_000)
        return "queued work still ran"
    }
    pool = nil  // the last reference: no shutdown call
    print("the pool is gone and the future is \(future.state)")
    print("result: \"\(try future.result())\"; the threads exit once the queue is empty, none is leaked")
}

/// A thread-safe counter.
final class Counter: Sendable {
    private let storage = Mutex<Int>(0)
    init() {}
    func increment() { storage.withLock { $0 += 1 } }
    var value: Int { storage.withLock { $0 } }
}
