import Synchronization

/// Puts one thread to sleep until another thread wakes it, like Java's `LockSupport.park`/`unpark`.
///
/// A parker holds at most one *permit*. ``unpark()`` grants it; ``park(until:)`` consumes it, sleeping on a
/// condition variable until it is granted or the deadline passes. A permit granted before `park` is not
/// lost, so "register, unlock, park" has no lost wake-up. Waking may be spurious (a stale permit from an
/// earlier wait): every caller re-checks its own condition in a loop.
///
/// Each thread has one (``current``), used for every blocking wait it makes; pool workers have their own.
final class Parker: @unchecked Sendable {  // mutex and condition used only through their calls; `state` is atomic
    private enum Permit {
        static let none = 0
        static let granted = 1
        static let sleeping = 2
    }

    private let state = Atomic<Int>(Permit.none)
    private let mutex = PlatformMutex.allocate()
    private let condition = PlatformCondition.allocate()

    init() {}

    deinit {
        condition.deallocate()
        mutex.deallocate()
    }

    /// Grants the permit, waking the parked thread if it sleeps.
    func unpark() {
        if state.exchange(Permit.granted, ordering: .acquiringAndReleasing) == Permit.sleeping {
            // The sleeper holds the mutex from announcing it sleeps until the condition's wait releases
            // it: taking the mutex once makes sure it is waiting. Signal after unlocking, so the woken
            // thread does not at once block on the mutex still held here.
            mutex.lock()
            mutex.unlock()
            condition.signal()
        }
    }

    /// Consumes the permit, first spinning `spins` times, then sleeping until it is granted or `deadline`
    /// passes. Returns `true` if the permit was consumed, `false` on time-out.
    @discardableResult
    func park(until deadline: Deadline? = nil, spins: Int = 0) -> Bool {
        if spin(spins) { return true }
        if let deadline, deadline.hasPassed { return false }

        mutex.lock()
        defer { mutex.unlock() }
        guard
            state.compareExchange(expected: Permit.none, desired: Permit.sleeping, ordering: .acquiringAndReleasing)
                .exchanged
        else {
            state.store(Permit.none, ordering: .releasing)  // it was granted meanwhile
            return true
        }
        while state.load(ordering: .acquiring) == Permit.sleeping {
            if let deadline {
                if !condition.wait(mutex, untilNanoseconds: deadline.nanoseconds) { break }
            } else {
                condition.wait(mutex)
            }
        }
        return state.exchange(Permit.none, ordering: .acquiringAndReleasing) == Permit.granted
    }

    /// Checks for the permit `times` times, yielding the processor between checks, then once more;
    /// consumes it and returns `true` if it came.
    func spin(_ times: Int) -> Bool {
        for _ in 0..<times {
            if takePermit() { return true }
            PlatformThread.yield()
        }
        return takePermit()
    }

    private func takePermit() -> Bool {
        state.compareExchange(expected: Permit.granted, desired: Permit.none, ordering: .acquiringAndReleasing)
            .exchanged
    }
}

extension Parker {
    private static let threadParker = ThreadLocal<Parker>(owning: true)

    /// The calling thread's parker, made on first use and released when the thread exits.
    static var current: Parker {
        if let parker = threadParker.value { return parker }
        let parker = Parker()
        threadParker.set(parker)
        return parker
    }
}
