import Dispatch
import Foundation
import Synchronization

@testable import Futures

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
    @discardableResult
    func wait(timeout: Duration = .seconds(30)) -> Bool {
        if isOpen { return true }
        let nanos = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        guard semaphore.wait(timeout: .now() + .nanoseconds(Int(nanos))) == .success else { return isOpen }
        semaphore.signal()  // pass it on to the next waiter
        return true
    }
}

/// A thread-safe counter.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    init() {}
    @discardableResult
    func increment() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }
    var count: Int { value.load(ordering: .relaxed) }
}

/// A thread-safe list, for recording the order of events. (`Locked` rather than `Mutex`: the thread
/// sanitizer cannot see `Synchronization.Mutex` on Linux.)
final class Recorder<Element: Sendable>: Sendable {
    private let items = Locked<[Element]>([])
    init() {}
    func append(_ element: Element) { items.withLock { $0.append(element) } }
    var values: [Element] { items.withLock { $0 } }
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
