#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Puts one thread to sleep until another thread wakes it, like Java's `LockSupport.park`/`unpark`.
///
/// A parker holds at most one *permit*. ``unpark()`` grants it; ``park(until:)`` consumes it, sleeping on a
/// condition variable until it is granted or the deadline passes. A permit granted before `park` is not
/// lost, so "register, unlock, park" has no lost wake-up. Waking may be spurious (a stale permit from an
/// earlier wait): every caller re-checks its own condition in a loop.
///
/// Each thread has one (``current``), used for every blocking wait it makes; pool workers have their own.
final class Parker: @unchecked Sendable {  // the pthread objects are touched only under their own mutex; `state` is atomic
    private enum Permit {
        static let none = 0
        static let granted = 1
        static let sleeping = 2
    }

    private let state = Atomic<Int>(Permit.none)
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if os(Linux)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Grants the permit, waking the parked thread if it sleeps.
    func unpark() {
        if state.exchange(Permit.granted, ordering: .acquiringAndReleasing) == Permit.sleeping {
            // The sleeper holds the mutex from announcing it sleeps until `pthread_cond_wait` releases
            // it: taking the mutex once makes sure it is waiting. Signal after unlocking, so the woken
            // thread does not at once block on the mutex still held here.
            pthread_mutex_lock(mutex)
            pthread_mutex_unlock(mutex)
            pthread_cond_signal(condition)
        }
    }

    /// Consumes the permit, first spinning `spins` times, then sleeping until it is granted or `deadline`
    /// passes. Returns `true` if the permit was consumed, `false` on time-out.
    @discardableResult
    func park(until deadline: Deadline? = nil, spins: Int = 0) -> Bool {
        if spin(spins) { return true }
        if let deadline, deadline.hasPassed { return false }

        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard state.compareExchange(expected: Permit.none, desired: Permit.sleeping, ordering: .acquiringAndReleasing).exchanged
        else {
            state.store(Permit.none, ordering: .releasing)  // it was granted meanwhile
            return true
        }
        while state.load(ordering: .acquiring) == Permit.sleeping {
            if let deadline {
                if sleep(until: deadline) == ETIMEDOUT { break }
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
        return state.exchange(Permit.none, ordering: .acquiringAndReleasing) == Permit.granted
    }

    /// Checks for the permit `times` times, yielding the processor between checks, then once more;
    /// consumes it and returns `true` if it came.
    func spin(_ times: Int) -> Bool {
        for _ in 0..<times {
            if takePermit() { return true }
            sched_yield()
        }
        return takePermit()
    }

    private func takePermit() -> Bool {
        state.compareExchange(expected: Permit.granted, desired: Permit.none, ordering: .acquiringAndReleasing).exchanged
    }

    private func sleep(until deadline: Deadline) -> Int32 {
        #if os(Linux)
        var end = deadline.cTimespec
        return pthread_cond_timedwait(condition, mutex, &end)
        #else
        var relative = Deadline(nanoseconds: deadline.remaining.clampedNanoseconds).cTimespec
        return pthread_cond_timedwait_relative_np(condition, mutex, &relative)
        #endif
    }
}

extension Parker {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            #if os(Linux)
            guard let pointer else { return }
            #endif
            Unmanaged<Parker>.fromOpaque(pointer).release()
        }
        precondition(status == 0, "Futures: pthread_key_create failed with error \(status)")
        return key
    }()

    /// The calling thread's parker, made on first use and released when the thread exits.
    static var current: Parker {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<Parker>.fromOpaque(pointer).takeUnretainedValue()
        }
        let parker = Parker()
        pthread_setspecific(key, Unmanaged.passRetained(parker).toOpaque())
        return parker
    }
}
