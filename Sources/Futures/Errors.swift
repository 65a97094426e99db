/// Errors that futures and the waiting helpers throw.
///
/// A future's own work may fail with any error; ``Future/result(timeout:)`` rethrows that error as is.
/// `FutureError` is only for what happens *around* the work: a cancelled future, a wait that ran out of
/// time, or a call that does not fit the future's state.
public enum FutureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The future was cancelled before its work started.
    case cancelled
    /// A wait ran out of time. The work goes on; the future's state is unchanged.
    case timedOut
    /// The call does not fit the future's current state, for example `setResult` on a future that is
    /// already done. The message names the call and the state.
    case invalidState(String)

    /// A readable description of the error.
    public var description: String {
        switch self {
        case .cancelled: return "FutureError.cancelled: the future was cancelled before its work started"
        case .timedOut: return "FutureError.timedOut: the wait ran out of time (the work goes on)"
        case .invalidState(let message): return "FutureError.invalidState: \(message)"
        }
    }
}

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
