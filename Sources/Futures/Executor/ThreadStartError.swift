/// A pool could start no worker thread and had none running, so nothing would run the work.
///
/// The `submit` (or `run`) that tried to start the thread throws it, and every task queued at that moment
/// fails with it: nothing is left pending forever. The pool stays open; a later `submit` tries to start a
/// thread again. While other workers run, a thread that cannot start is no error at all: the pool serves on
/// with them and tries again later (see ``ThreadPoolExecutor/statistics``, which counts only threads that
/// started).
///
/// ```swift
/// do {
///     let future = try pool.submit { try fetch(url) }
///     print(try future.result())
/// } catch let error as ThreadStartError {
///     print("no thread for the work:", error.message)   // e.g. the process is at its thread limit
/// }
/// ```
///
/// Not a case of ``ExecutorError``, whose two cases are fixed, so that a `switch` over those stays
/// exhaustive.
public struct ThreadStartError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, naming the system's error: for example error 11 (EAGAIN, "Resource temporarily
    /// unavailable") from the thread-creation call at the process's thread limit on Linux.
    public let message: String

    /// Makes the error with its message.
    ///
    /// - Parameter message: what went wrong, naming the system's error.
    public init(_ message: String) {
        self.message = message
    }

    /// A readable description of the error.
    public var description: String { "ThreadStartError: \(message)" }
}
