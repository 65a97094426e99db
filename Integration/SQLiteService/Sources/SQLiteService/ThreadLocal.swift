#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One `Value` per thread, made by `make` on the thread's first ``current()`` and released when that
/// thread exits: here, one SQLite connection per worker thread.
///
/// A small stand-in built on `pthread_key_create`. The library's `WorkerLocal` (issue 18) is meant to
/// replace it for pool workers.
///
/// Use the value only in synchronous code, between two suspension points: an `async` function may resume
/// on another thread, which has a value of its own.
///
/// The key is never deleted: make one for the program's life (deleting a key does not release the values
/// of threads still running).
final class ThreadLocal<Value: AnyObject>: Sendable {
    private let key: pthread_key_t
    private let make: @Sendable () throws -> Value

    /// Makes a new key; no value is made until a thread asks for one.
    init(_ make: @escaping @Sendable () throws -> Value) {
        var key = pthread_key_t()
        // The destructor runs on each exiting thread that holds a value, and releases it.
        let status = pthread_key_create(&key) { raw in
            #if canImport(Darwin)
            Unmanaged<AnyObject>.fromOpaque(raw).release()
            #else
            if let raw { Unmanaged<AnyObject>.fromOpaque(raw).release() }
            #endif
        }
        precondition(status == 0, "pthread_key_create failed: \(status)")
        self.key = key
        self.make = make
    }

    /// This thread's value, made now if it has none yet.
    ///
    /// - Throws: what `make` throws; the next call on this thread tries again.
    func current() throws -> Value {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<Value>.fromOpaque(raw).takeUnretainedValue()
        }
        let value = try make()
        let status = pthread_setspecific(key, Unmanaged.passRetained(value).toOpaque())
        precondition(status == 0, "pthread_setspecific failed: \(status)")
        return value
    }
}
