/// Errors that an executor throws when it cannot take work.
public enum ExecutorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `submit` was called after `shutdown`.
    case shutDown
    /// An initializer failed; the pool takes no more work. The message carries the initializer's error.
    case broken(String)
    /// No worker thread could be started and none was running, so nothing would run the work. The message
    /// names the system's error, such as error 11 (EAGAIN, "Resource temporarily unavailable") from the
    /// thread-creation call at the process's thread limit on Linux. The `submit` that tried to start the thread throws it, and every task queued then fails with
    /// it. The pool stays open: a later `submit` tries to start a thread again.
    case threadStartFailed(String)

    /// A readable description of the error.
    public var description: String {
        switch self {
        case .shutDown: return "ExecutorError.shutDown: cannot submit work after shutdown"
        case .broken(let message): return "ExecutorError.broken: \(message)"
        case .threadStartFailed(let message): return "ExecutorError.threadStartFailed: \(message)"
        }
    }
}
