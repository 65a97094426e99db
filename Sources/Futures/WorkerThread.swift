#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Starting a detached worker thread that names itself.
enum WorkerThread {
    /// The longest thread name the platform keeps, in bytes (Linux: 16 with the terminating zero).
    #if os(Linux)
    static let maxNameBytes = 15
    #else
    static let maxNameBytes = 63
    #endif

    /// `"<prefix>_<number>"`, fitted to the platform's limit by shortening the prefix so that the
    /// `_<number>` telling threads apart survives.
    static func name(prefix: String, number: Int) -> String {
        let suffix = "_\(number)"
        let full = prefix + suffix
        guard full.utf8.count > maxNameBytes else { return full }
        var head = Substring(prefix)
        while head.utf8.count + suffix.utf8.count > maxNameBytes, !head.isEmpty {
            head.removeLast()
        }
        return head + suffix
    }

    private final class Start: Sendable {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts a joinable thread that sets its name, then runs `body`. Returns the thread, or the error
    /// number if it could not be made. The caller joins or detaches it.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) -> Result<pthread_t, ThreadStartError> {
        let start = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        #if os(Linux)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let status = pthread_create(&thread, &attributes, { argument in
            #if os(Linux)
            let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
            #else
            let start = Unmanaged<Start>.fromOpaque(argument).takeRetainedValue()
            #endif
            WorkerThread.setCurrentName(start.name)
            start.body()
            return nil
        }, start)
        if status != 0 {
            Unmanaged<Start>.fromOpaque(start).release()
            return .failure(ThreadStartError(code: status))
        }
        #if os(Linux)
        return .success(thread)
        #else
        return .success(thread!)
        #endif
    }

    /// Names the calling thread with `pthread_setname_np`, as `top -H`, gdb, crash logs and Foundation's
    /// `Thread.current.name` show it. (Not through `Thread.current.name =`, which first builds Foundation's
    /// thread object: several microseconds before a new worker can take its first task.)
    static func setCurrentName(_ name: String) {
        #if os(Linux)
        _ = setThreadName(pthread_self(), name)
        #else
        _ = pthread_setname_np(name)
        #endif
    }
}

#if os(Linux)
/// glibc's `pthread_setname_np`, which the Glibc module does not export (it is a GNU extension).
@_silgen_name("pthread_setname_np")
private func setThreadName(_ thread: pthread_t, _ name: UnsafePointer<CChar>) -> Int32
#endif

/// `pthread_create` failed with this error number.
struct ThreadStartError: Error {
    let code: Int32
}

/// Which pool, if any, the current thread works for: lets a worker that waits on a not-yet-started task
/// of its own pool run it itself.
@usableFromInline
enum WorkerContext {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "Futures: pthread_key_create failed with error \(status)")
        return key
    }()

    /// The pool the current thread is a worker of. The worker holds the pool alive while it runs.
    static var currentPool: ThreadPoolCore? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        return Unmanaged<ThreadPoolCore>.fromOpaque(pointer).takeUnretainedValue()
    }

    static func enter(_ pool: ThreadPoolCore) {
        pthread_setspecific(key, Unmanaged.passUnretained(pool).toOpaque())
    }

    static func leave() {
        pthread_setspecific(key, nil)
    }

    /// Whether the current thread is a pool worker: only a worker runs queued work inline while it waits.
    @usableFromInline
    static var isWorker: Bool { currentPool != nil }

    /// If the current thread is a worker and `task` waits in its pool's queue, takes it out and runs it
    /// here. Returns whether it ran.
    static func runInlineIfQueuedHere<Value>(_ future: Future<Value>) -> Bool {
        guard let pool = currentPool else { return false }
        return pool.runIfQueued(future.queuedTask) { future.queueTicket }
    }
}
