import Synchronization

/// `Synchronization.Mutex` that ThreadSanitizer can see.
///
/// On Linux the standard `Mutex` locks with raw futex calls, which ThreadSanitizer does not intercept:
/// under `--sanitize=thread` every access it protects is reported as a race (and the process exits with
/// status 66). This wrapper tells the sanitizer about each critical section with `__tsan_acquire` and
/// `__tsan_release` on the protected value's address, so the sanitizer sees the real happens-before edges
/// and still reports real races. Without the sanitizer, the hooks are absent and the cost is one
/// predictable branch per lock.
///
/// The library's general lock: futures and timers use it. Four locks are not one of these: the pool's
/// own lock and a group waiter's (``ContendedLock``, a plain pthread mutex, for the reason given there),
/// a thread's ``Parker`` (a mutex with a condition variable), and the platform shims under `Platform/`.
@usableFromInline
struct Locked<Value: ~Copyable>: ~Copyable {
    @usableFromInline let base: Synchronization.Mutex<Value>

    @inlinable
    init(_ initialValue: consuming sending Value) {
        base = Synchronization.Mutex(initialValue)
    }

    /// Runs `body` with the value, holding the lock.
    @inlinable
    borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        OperationCounters.countLockAcquisition()
        guard let sanitizer = ThreadSanitizerHooks.shared else { return try base.withLock(body) }
        // The lock's own address names it to the sanitizer (a `let` of a ~Copyable type is never copied).
        let address = withUnsafePointer(to: base) { UnsafeRawPointer($0) }
        return try base.withLock { (value: inout sending Value) throws(E) -> sending Result in
            sanitizer.acquire(address)
            defer { sanitizer.release(address) }
            return try body(&value)
        }
    }
}

extension Locked: Sendable where Value: ~Copyable {}
