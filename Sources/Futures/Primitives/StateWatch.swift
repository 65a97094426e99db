#if DEBUG
    import Synchronization

    /// Test support, in debug builds only: lets a test wait until a lock-guarded state satisfies a
    /// condition, woken by each change of that state instead of polling it.
    ///
    /// A ``ContendedLock`` made with `watched: true` calls ``changed()`` after each critical section; a
    /// test calls ``wait(until:_:)`` with a check of the state (read with the lock's
    /// `withLockUnwatched`, so that looking is not a change). While nobody waits, ``changed()`` costs one
    /// atomic load; a release build has none of this.
    ///
    /// ```swift
    /// #expect(pool.core.waitForState { $0.roomWaiterCount == 1 })
    /// ```
    final class StateWatch: @unchecked Sendable {  // `generation` is guarded by `mutex`; the rest is immutable
        private let mutex = PlatformMutex.allocate()
        private let condition = PlatformCondition.allocate()
        /// How many changes there have been since the first watcher came; guarded by `mutex`.
        private var generation = 0
        private let watchers = Atomic<Int>(0)

        init() {}

        deinit {
            condition.deallocate()
            mutex.deallocate()
        }

        /// The watched state changed: wakes the watchers, if any.
        func changed() {
            guard watchers.load(ordering: .sequentiallyConsistent) > 0 else { return }
            mutex.lock()
            generation += 1
            mutex.unlock()
            condition.broadcast()
        }

        /// Blocks until `isSatisfied` returns `true` or `deadline` passes, checking it first and again after
        /// each change. Returns the last check.
        ///
        /// - Parameters:
        ///   - deadline: when to give up.
        ///   - isSatisfied: reads the state; it must not change it.
        func wait(until deadline: Deadline, _ isSatisfied: () -> Bool) -> Bool {
            watchers.add(1, ordering: .sequentiallyConsistent)
            defer { watchers.subtract(1, ordering: .sequentiallyConsistent) }
            while true {
                mutex.lock()
                let seen = generation
                mutex.unlock()
                if isSatisfied() { return true }
                mutex.lock()
                var timedOut = false
                while generation == seen, !timedOut {
                    timedOut = !condition.wait(mutex, untilNanoseconds: deadline.nanoseconds)
                }
                mutex.unlock()
                if timedOut { return isSatisfied() }
            }
        }
    }
#endif
