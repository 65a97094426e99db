import Dispatch
import Foundation
import Futures
import Synchronization
import Testing

/// The parent of the reliability suites (race stress, faults, misuse, leaks). Serialized so that the
/// per-suite thread-count checks and the timing-bound stress runs do not compete with each other;
/// `swift test --filter Reliability` runs exactly these.
@Suite(.serialized)
enum Reliability {}

// MARK: Seeded randomness

/// SplitMix64: a small, fast generator whose whole run is fixed by its seed, so a failing stress run can
/// be replayed choice for choice (thread timing aside) with `FUTURES_STRESS_SEED`.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Settings read from the environment, for the long mode of the stress tests.
enum StressEnvironment {
    /// `FUTURES_STRESS_SEED` if set (decimal or 0x-hex), else a fresh random seed.
    static let seed: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["FUTURES_STRESS_SEED"] {
            let parsed = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
            if let parsed { return parsed }
        }
        return UInt64.random(in: 0...UInt64.max)
    }()

    /// Seconds each stress configuration runs: `FUTURES_STRESS_SECONDS` if set, else 2.
    static let secondsPerConfiguration: Double = {
        if let text = ProcessInfo.processInfo.environment["FUTURES_STRESS_SECONDS"], let value = Double(text), value > 0
        {
            return value
        }
        return 2
    }()
}

// MARK: Lifetimes

/// Counts live instances of ``Tracked``: the count must return to zero once everything that captured
/// them has been released.
final class LifetimeTracker: Sendable {
    private let live = Atomic<Int>(0)
    private let made = Atomic<Int>(0)
    init() {}
    var liveCount: Int { live.load(ordering: .acquiring) }
    var madeCount: Int { made.load(ordering: .relaxed) }
    func instance() -> Tracked { Tracked(self) }
    fileprivate func born() {
        live.wrappingAdd(1, ordering: .relaxed)
        made.wrappingAdd(1, ordering: .relaxed)
    }
    fileprivate func died() { live.wrappingSubtract(1, ordering: .releasing) }
}

/// An object whose life a ``LifetimeTracker`` counts.
final class Tracked: Sendable {
    let tracker: LifetimeTracker
    fileprivate init(_ tracker: LifetimeTracker) {
        self.tracker = tracker
        tracker.born()
    }
    deinit { tracker.died() }
    func touch() {}
}

// MARK: Threads

/// A unique short thread-name prefix (short enough that the name of a thread with it fits in every
/// platform's limit, ``PlatformThread/maxNameBytes``: Linux's is 15 bytes).
func uniquePrefix(_ tag: String) -> String {
    "\(tag)\(prefixCounter.wrappingAdd(1, ordering: .relaxed).newValue)x"
}
private let prefixCounter = Atomic<Int>(0)

/// Plain threads, started together and joined with a time limit.
final class ThreadGroup: Sendable {
    private let group = DispatchGroup()
    init() {}

    /// Starts `count` threads named `"<prefix>d<i>"`, each running `body(i)`.
    func start(_ count: Int, namePrefix: String, _ body: @escaping @Sendable (Int) -> Void) {
        for index in 0..<count {
            group.enter()
            let thread = Thread { [group] in
                Thread.current.name = "\(namePrefix)d\(index)"
                body(index)
                group.leave()
            }
            thread.start()
        }
    }

    /// Waits for every thread to return. `false` if some thread is still running after `timeout`.
    func join(timeout: Duration = .seconds(60)) -> Bool {
        let nanos = Int(timeout.components.seconds) * 1_000_000_000
        return group.wait(timeout: .now() + .nanoseconds(nanos)) == .success
    }
}

/// Completes `future` with `fallback` after `timeout` unless it is done by then, so that a test whose
/// wait wrongly blocks fails instead of hanging the suite. Not a way to make threads meet: it only fires
/// when the code under test is already wrong.
func watchdog<T: Sendable>(_ future: Future<T>, after timeout: Duration = .seconds(20), fallback: T) -> Gate {
    let cancel = Gate()
    Thread {
        if !cancel.wait(timeout: timeout) { try? future.setResult(fallback) }
    }.start()
    return cancel
}

/// Seconds elapsed while running `body`.
func measure(_ body: () throws -> Void) rethrows -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    return clock.now - start
}

// MARK: A lock ThreadSanitizer can see

/// A lock around a value, on `pthread_mutex_t`, for test bookkeeping that many threads hit at once.
///
/// Why not `Synchronization.Mutex`: on Linux its contended path takes a PI futex inside the
/// (uninstrumented) Synchronization library, so ThreadSanitizer never sees that acquire and reports
/// every contended critical section as a data race (a 10-line program with four threads incrementing
/// under `Mutex.withLock` reproduces it). ThreadSanitizer intercepts `pthread_mutex_lock`, so this lock
/// keeps the stress test's ledger — the most contended lock in the suite — free of false reports.
final class PThreadLocked<State>: @unchecked Sendable {  // `state` is only touched between lock and unlock
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var state: State

    init(_ state: State) {
        self.state = state
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
