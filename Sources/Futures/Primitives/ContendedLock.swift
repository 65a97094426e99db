/// A value guarded by a pthread mutex (``PlatformMutex``), for the locks that many threads take at once:
/// the thread pool's one lock, which the submitting threads and every worker take for each task, and a
/// ``GroupWaiter``'s, which every worker finishing one of the futures it watches takes.
///
/// Not `Synchronization.Mutex`, because on Linux that is a priority-inheritance futex: when it is
/// contended, the kernel hands the lock to the longest waiter, and every other thread then waits until
/// that one has been scheduled, even the owner coming back a microsecond later. When 64 workers finish
/// their `usleep` together and each takes the lock twice, that convoy cost a millisecond per wave of tasks;
/// on a group waiter it let `unorderedMap` over sleeping tasks hand out about one result per millisecond
/// while the workers went idle (W6: 2–4 × the `result()` loop).
/// A plain mutex lets a running thread take a free lock at once; on glibc it is the adaptive kind, which
/// spins briefly before it sleeps. The thread sanitizer understands pthread mutexes without help.
///
/// ```swift
/// let state = ContendedLock(PoolStateMachine(maxWorkers: 2))
/// let queued = state.withLock { $0.queued }
/// ```
struct ContendedLock<Value: ~Copyable>: ~Copyable {
    private let mutex: PlatformMutex
    private let value: UnsafeMutablePointer<Value>
    #if DEBUG
        /// Told of each critical section, for tests that wait on the state (``StateWatch``); debug builds only.
        let watch: StateWatch?
    #endif

    /// Where the value starts in the one allocation that holds both, right after the mutex: the thread
    /// that takes the lock brings the first of the value's fields into its cache with the mutex itself.
    private static var valueOffset: Int {
        let alignment = MemoryLayout<Value>.alignment
        return (PlatformMutex.byteCount + alignment - 1) / alignment * alignment
    }

    /// The allocation starts on a cache line, so no unrelated data shares the mutex's line.
    private static var cacheLineSize: Int { 64 }

    /// - Parameters:
    ///   - initialValue: the value to guard.
    ///   - watched: in debug builds, tell a ``StateWatch`` of every change, for tests; ignored otherwise.
    init(_ initialValue: consuming sending Value, watched: Bool = false) {
        #if DEBUG
            watch = watched ? StateWatch() : nil
        #endif
        let memory = UnsafeMutableRawPointer.allocate(
            byteCount: Self.valueOffset + MemoryLayout<Value>.size,
            alignment: max(Self.cacheLineSize, MemoryLayout<Value>.alignment))
        mutex = PlatformMutex(initializing: memory, adaptive: true)
        value = (memory + Self.valueOffset).bindMemory(to: Value.self, capacity: 1)
        value.initialize(to: initialValue)
    }

    deinit {
        value.deinitialize(count: 1)
        mutex.destroy()
        mutex.address.deallocate()
    }

    /// Runs `body` with the lock held.
    /// - Parameter body: reads or changes the guarded value.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws.
    borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        OperationCounters.countLockAcquisition()
        mutex.lock()
        defer {
            mutex.unlock()
            #if DEBUG
                watch?.changed()
            #endif
        }
        return try body(&value.pointee)
    }

    #if DEBUG
        /// Reads the value with the lock held, without telling the ``StateWatch``: for the watch's own checks.
        borrowing func withLockUnwatched<Result>(_ body: (borrowing Value) -> Result) -> Result {
            mutex.lock()
            defer { mutex.unlock() }
            return body(value.pointee)
        }
    #endif
}

extension ContendedLock: @unchecked Sendable where Value: ~Copyable {}  // the value is reached only with the mutex held
