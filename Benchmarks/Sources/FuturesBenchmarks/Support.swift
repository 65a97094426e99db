// Small pieces every system's benchmark code shares: a clock, the task body, a gate, and a bridge into async.

import CMallocInfo
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Monotonic nanoseconds.
@inline(__always)
func nowNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Bytes malloc has handed out right now (glibc `mallinfo2()`: `uordblks + hblkhd`); 0 where not supported.
func allocatedBytes() -> Int {
    Int(cmi_allocated_bytes())
}

var allocatedBytesIsSupported: Bool { cmi_is_supported() != 0 }

/// Counts finished tiny tasks and wakes one waiter when the expected number is reached.
///
/// Every system's tiny task is the same closure, `{ tally.bump() }`, which captures nothing: it touches
/// only this global. So no system pays for a closure context that another does not.
final class Tally: Sendable {
    private let count = Atomic<Int>(0)
    private let target = Atomic<Int>(-1)
    private let done = DispatchSemaphore(value: 0)

    /// Starts a new round that ends after `expected` bumps. Pass nil for a round nobody will wait on.
    func reset(expecting expected: Int?) {
        count.store(0, ordering: .sequentiallyConsistent)
        target.store(expected ?? -1, ordering: .sequentiallyConsistent)
    }

    /// The task body: one atomic increment (and a wake for the last one).
    @inline(__always)
    func bump() {
        let n = count.wrappingAdd(1, ordering: .relaxed).newValue
        if n == target.load(ordering: .relaxed) { done.signal() }
    }

    /// Bumps so far in this round.
    var value: Int { count.load(ordering: .sequentiallyConsistent) }

    /// Blocks until the round's expected number of bumps happened.
    func waitForTarget() { done.wait() }
}

let tally = Tally()

/// The task body of W1 and W4; a plain function so the closures handed to each system capture nothing.
@inline(never)
func tinyTask() {
    tally.bump()
}

/// Holds worker threads until opened; counts how many arrived, so the caller knows they are all parked.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, arrived: Int)>((false, 0))
    private let condition = NSCondition()

    func wait() {
        condition.lock()
        state.withLock { $0.arrived += 1 }
        condition.broadcast()
        while !state.withLock({ $0.isOpen }) { condition.wait() }
        condition.unlock()
    }

    /// Blocks until `count` threads sit in `wait()`.
    func waitForArrivals(_ count: Int) {
        condition.lock()
        while state.withLock({ $0.arrived }) < count { condition.wait() }
        condition.unlock()
    }

    func open() {
        condition.lock()
        state.withLock { $0.isOpen = true }
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs `body` on the concurrency runtime's global executor and blocks the calling (non-async) thread until
/// it returns. Only the TaskGroup anchor uses it; it times itself inside `body`, so this bridge is not measured.
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        let value = await body()
        box.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return box.withLock { $0! }
}

/// A raw pointer that may cross threads; each index is written by exactly one task.
struct SendablePointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// The median of one `usleep(1000)`, measured now, in nanoseconds.
func measuredSleepNanoseconds(samples: Int = 20, micros: UInt32) -> Double {
    var times: [Double] = []
    for _ in 0..<samples {
        let start = nowNanoseconds()
        usleep(micros)
        times.append(Double(nowNanoseconds() - start))
    }
    return Statistics.median(times)
}

enum Statistics {
    static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    /// Nearest-rank percentile (p in 0...1).
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        precondition(!values.isEmpty)
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static func percentile(_ values: [UInt64], _ p: Double) -> Double {
        percentile(values.map { Double($0) }, p)
    }
}
