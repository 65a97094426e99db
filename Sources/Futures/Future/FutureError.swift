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
