#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Android)
    import Android
#else
    #error("Futures: unknown C library; the Platform folder has branches for Darwin, Glibc, Musl and Android")
#endif

// The pthread mutex and condition variable under `ContendedLock` and `Parker`. Thin shims over the address of
// each: copying one copies the address, and the owner that made it destroys it once.

/// A pthread mutex at an address its owner chose: `ContendedLock` puts it in front of the value it guards,
/// `Parker` allocates it alone.
struct PlatformMutex {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// Bytes the mutex takes, for owners that lay it out in memory of their own.
    static var byteCount: Int { MemoryLayout<pthread_mutex_t>.size }

    /// Makes a mutex in `memory` (at least ``byteCount`` bytes, aligned for a pointer). `adaptive` asks
    /// for a mutex that spins briefly before it sleeps where the C library has one (glibc's
    /// `PTHREAD_MUTEX_ADAPTIVE_NP`); Darwin's, musl's and Android's default mutexes are used as they are.
    /// Stops the program if the mutex cannot be made.
    init(initializing memory: UnsafeMutableRawPointer, adaptive: Bool) {
        mutex = memory.bindMemory(to: pthread_mutex_t.self, capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        #if canImport(Glibc) && !os(Android)
            if adaptive { pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP)) }
        #endif
        let status = pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
        if status != 0 { fatalError("Futures: pthread_mutex_init failed with error \(status)") }
    }

    /// A mutex in memory of its own; ``deallocate()`` frees it.
    static func allocate() -> PlatformMutex {
        let memory = UnsafeMutableRawPointer.allocate(
            byteCount: byteCount, alignment: MemoryLayout<pthread_mutex_t>.alignment)
        return PlatformMutex(initializing: memory, adaptive: false)
    }

    @inline(__always)
    func lock() {
        pthread_mutex_lock(mutex)
    }

    @inline(__always)
    func unlock() {
        pthread_mutex_unlock(mutex)
    }

    /// Destroys the mutex; its memory stays the owner's.
    func destroy() {
        pthread_mutex_destroy(mutex)
    }

    /// Destroys a mutex made by ``allocate()`` and frees its memory.
    func deallocate() {
        destroy()
        mutex.deallocate()
    }

    /// Where the mutex is: the start of the memory it was made in.
    var address: UnsafeMutableRawPointer { UnsafeMutableRawPointer(mutex) }

    /// For ``PlatformCondition``, which waits with the mutex.
    fileprivate var pointer: UnsafeMutablePointer<pthread_mutex_t> { mutex }
}

/// A pthread condition variable whose timed wait measures on the monotonic clock (``MonotonicClock``), so
/// a change of the wall clock neither shortens nor stretches a wait.
///
/// Linux (glibc, musl) and Android: the condition is made with `pthread_condattr_setclock(CLOCK_MONOTONIC)`
/// and waits for an absolute time on that clock. Darwin has no `pthread_condattr_setclock`: it waits for
/// the time left, with `pthread_cond_timedwait_relative_np`.
struct PlatformCondition {
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    /// A condition in memory of its own; ``deallocate()`` frees it. Stops the program if it cannot be made.
    static func allocate() -> PlatformCondition {
        PlatformCondition()
    }

    private init() {
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if !canImport(Darwin)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        let status = pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        if status != 0 { fatalError("Futures: pthread_cond_init failed with error \(status)") }
    }

    /// Destroys the condition and frees its memory.
    func deallocate() {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Wakes one thread waiting on the condition.
    @inline(__always)
    func signal() {
        pthread_cond_signal(condition)
    }

    /// Wakes every thread waiting on the condition.
    func broadcast() {
        pthread_cond_broadcast(condition)
    }

    /// Releases `mutex` (held by the caller), sleeps until signalled (or spuriously), and takes it back.
    @inline(__always)
    func wait(_ mutex: PlatformMutex) {
        pthread_cond_wait(condition, mutex.pointer)
    }

    /// ``wait(_:)`` that also ends when ``MonotonicClock`` reaches `deadline` (in its nanoseconds).
    /// Returns `false` if it timed out.
    func wait(_ mutex: PlatformMutex, untilNanoseconds deadline: UInt64) -> Bool {
        #if canImport(Darwin)
            let now = MonotonicClock.nanoseconds()
            var relative = timespec(nanoseconds: deadline > now ? deadline - now : 0)
            return pthread_cond_timedwait_relative_np(condition, mutex.pointer, &relative) != ETIMEDOUT
        #else
            var end = timespec(nanoseconds: deadline)
            return pthread_cond_timedwait(condition, mutex.pointer, &end) != ETIMEDOUT
        #endif
    }
}
