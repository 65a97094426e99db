import Dispatch
import Foundation
import Synchronization

@testable import Futures

/// How long a test's rendezvous (a gate, a counter, a recorder) waits before it gives up, by default: a
/// net against a hang, not a measure. A rendezvous that gives up says where on standard error, and the
/// first one prints every thread's stack (``StallReport``). A longer net only makes a stall longer: when
/// two tests held both cooperative threads on gates that only a task could open, every async test of the
/// run waited until the net gave way (120 s, then 30 s), and failed.
let rendezvousTimeout = Duration.seconds(30)

/// A one-shot gate: threads calling `wait()` block until some thread calls `open()`.
/// Tests use it to make threads meet without sleeping.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let opened = Atomic<Bool>(false)

    init() {}

    /// Opens the gate; every current and future `wait()` returns.
    func open() {
        if !opened.exchange(true, ordering: .acquiringAndReleasing) {
            semaphore.signal()
        }
    }

    var isOpen: Bool { opened.load(ordering: .acquiring) }

    /// Blocks until the gate is open. Returns false if `timeout` passed first.
    /// A rendezvous that gives up after a long timeout says where on standard error, so that a test that
    /// silently held a thread for it can be found in a CI log.
    @discardableResult
    func wait(timeout: Duration = rendezvousTimeout, fileID: String = #fileID, line: Int = #line) -> Bool {
        if isOpen { return true }
        let nanos = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        guard semaphore.wait(timeout: .now() + .nanoseconds(Int(nanos))) == .success else {
            if timeout >= .seconds(10), !isOpen {
                FileHandle.standardError.write(Data("rendezvous at \(fileID):\(line) gave up after \(timeout)\n".utf8))
                StallReport.printOnce(after: fileID, line: line)
            }
            return isOpen
        }
        semaphore.signal()  // pass it on to the next waiter
        return true
    }

    /// ``wait(timeout:)`` for async tests: the blocking wait runs on a thread of its own, so no cooperative
    /// thread is held while the task is suspended.
    func waitAsync(timeout: Duration = rendezvousTimeout, fileID: String = #fileID, line: Int = #line) async -> Bool {
        if isOpen { return true }
        return await withCheckedContinuation { continuation in
            _ = startThread {
                continuation.resume(returning: self.wait(timeout: timeout, fileID: fileID, line: line))
            }
        }
    }
}

/// Gates that open when a count reaches a target: what ``Counter`` and ``Recorder`` use so a test can
/// wait for the n-th event instead of polling for it.
final class Milestones: Sendable {
    private let state = Locked<(count: Int, waiting: [(target: Int, gate: Gate)])>((0, []))

    init() {}

    /// Records that the count is now `count`, opening the gates of every target reached.
    func reached(_ count: Int) {
        let opened = state.withLock { state -> [Gate] in
            state.count = Swift.max(state.count, count)
            let (done, rest) = (state.waiting.filter { $0.target <= count }, state.waiting.filter { $0.target > count })
            state.waiting = rest
            return done.map(\.gate)
        }
        opened.forEach { $0.open() }
    }

    /// A gate that opens once the count reaches `target` (open already if it has).
    func gate(for target: Int) -> Gate {
        let gate = Gate()
        let reached = state.withLock { state -> Bool in
            if state.count >= target { return true }
            state.waiting.append((target, gate))
            return false
        }
        if reached { gate.open() }
        return gate
    }
}

/// A thread-safe counter; a test can wait for it to reach a value.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    private let milestones = Milestones()
    init() {}
    @discardableResult
    func increment() -> Int {
        let new = value.wrappingAdd(1, ordering: .relaxed).newValue
        milestones.reached(new)
        return new
    }
    var count: Int { value.load(ordering: .relaxed) }

    /// Blocks until the count is at least `target`. Returns `false` if `timeout` passed first.
    func wait(
        for target: Int, timeout: Duration = rendezvousTimeout, fileID: String = #fileID, line: Int = #line
    ) -> Bool {
        milestones.gate(for: target).wait(timeout: timeout, fileID: fileID, line: line)
    }

    /// ``wait(for:timeout:)`` for async tests.
    func waitAsync(
        for target: Int, timeout: Duration = rendezvousTimeout, fileID: String = #fileID, line: Int = #line
    ) async -> Bool {
        await milestones.gate(for: target).waitAsync(timeout: timeout, fileID: fileID, line: line)
    }
}

/// A thread-safe list, for recording the order of events. (`Locked` rather than `Mutex`: the thread
/// sanitizer cannot see `Synchronization.Mutex` on Linux.)
final class Recorder<Element: Sendable>: Sendable {
    private let items = Locked<[Element]>([])
    private let milestones = Milestones()
    init() {}
    func append(_ element: Element) {
        let count = items.withLock { items in
            items.append(element)
            return items.count
        }
        milestones.reached(count)
    }
    var values: [Element] { items.withLock { $0 } }

    /// Blocks until at least `count` elements were recorded. Returns `false` if `timeout` passed first.
    func wait(
        forCount count: Int, timeout: Duration = rendezvousTimeout, fileID: String = #fileID, line: Int = #line
    ) -> Bool {
        milestones.gate(for: count).wait(timeout: timeout, fileID: fileID, line: line)
    }

    /// ``wait(forCount:timeout:)`` for async tests.
    func waitAsync(
        forCount count: Int, timeout: Duration = rendezvousTimeout, fileID: String = #fileID, line: Int = #line
    ) async -> Bool {
        await milestones.gate(for: count).waitAsync(timeout: timeout, fileID: fileID, line: line)
    }
}

/// An error for tests.
struct TestError: Error, Equatable, CustomStringConvertible {
    var tag: Int = 0
    var description: String { "TestError(\(tag))" }
}

/// Polls `condition` until it holds or `timeout` passes; for conditions that have no event to wait on
/// (such as a thread count going down after threads exit). Returns the final value of `condition`.
func eventually(timeout: Duration = .seconds(20), _ condition: () -> Bool) -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        sched_yield()
    }
    return condition()
}

/// ``eventually`` for async tests: polls `condition` until it holds or `timeout` passes, suspending between
/// checks so that no cooperative thread is held and the tasks it waits for can run.
func eventuallyAsync(timeout: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return condition()
}

/// Blocks until `condition` holds for `pool`'s state machine, or `timeout` passes: woken by each change of
/// the pool's state (the debug build's `StateWatch`), not by polling. Returns the last check.
func waitForState(
    of pool: ThreadPoolExecutor, timeout: Duration = .seconds(20), _ condition: (borrowing PoolStateMachine) -> Bool
) -> Bool {
    pool.core.waitForState(timeout: timeout, condition)
}

/// Blocks until `pool` is shut down (or broken), woken by the change; for suites that test only the public
/// API and so cannot name the state machine.
func waitForShutdown(of pool: ThreadPoolExecutor, timeout: Duration = .seconds(20)) -> Bool {
    waitForState(of: pool, timeout: timeout) { $0.isShutDownOrBroken }
}

/// ``waitForState(of:timeout:_:)`` for async tests: blocks a thread of its own, never a cooperative one.
func waitForStateAsync(
    of pool: ThreadPoolExecutor, timeout: Duration = .seconds(20),
    _ condition: @escaping @Sendable (borrowing PoolStateMachine) -> Bool
) async -> Bool {
    await withCheckedContinuation { continuation in
        _ = startThread { continuation.resume(returning: pool.core.waitForState(timeout: timeout, condition)) }
    }
}

/// Runs a long synchronous `body` (seconds of CPU, as the exhaustive explorations take) on a worker of a
/// pool of its own, as the same task, so that `#expect` still reports to the running test, and no thread
/// of Swift's cooperative pool is held: on a 2-core machine, two held cooperative threads starve every other
/// suite's async timers (seen under the thread sanitizer, where the explorations take half a minute).
func offTheCooperativePool(_ body: () -> Void) async {
    let pool = ThreadPoolExecutor(maxWorkers: 1)
    await withTaskExecutorPreference(pool) { body() }
    await pool.shutdown()
}

/// Runs `body` on a new thread (CPython's `threading.Thread(target=...).start()`).
/// The returned gate opens when `body` has returned; `wait()` on it is the join.
func startThread(_ body: @escaping @Sendable () -> Void) -> Gate {
    let finished = Gate()
    let thread = Thread {
        body()
        finished.open()
    }
    thread.start()
    return finished
}

/// One worker of a pool kept busy until ``release()``: for async tests that need work to wait in the queue.
final class HeldWorker: Sendable {
    private let gate: Gate
    private let holder: Future<Bool>

    private init(gate: Gate, holder: Future<Bool>) {
        self.gate = gate
        self.holder = holder
    }

    /// Occupies a worker of `pool` with a task that waits on a gate, and returns once that task runs.
    static func holding(_ pool: ThreadPoolExecutor) async throws -> HeldWorker {
        let gate = Gate()
        let started = Gate()
        let holder = try pool.submit {
            started.open()
            return gate.wait()
        }
        _ = await started.waitAsync()
        return HeldWorker(gate: gate, holder: holder)
    }

    /// Lets the worker go, and waits for the holding task to end.
    func release() async throws {
        gate.open()
        _ = try await holder.value
    }
}

/// Opens `gate` when it is released: lets a test wait for a capture to be let go of, without polling.
final class ReleaseSignal: Sendable {
    let gate = Gate()
    init() {}
    deinit { gate.open() }
    func touch() {}
}
