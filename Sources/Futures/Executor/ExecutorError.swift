/// Errors that an executor throws when it cannot take work.
///
/// Its two cases are the pinned API: code may switch over them exhaustively. A pool that cannot start a
/// thread throws ``ThreadStartError`` instead, a type of its own, so that such a switch stays complete.
public enum ExecutorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `submit` was called after `shutdown`.
    case shutDown
    /// An initializer failed; the pool takes no more work. The message carries the initializer's error.
    case broken(String)

    /// A readable description of the error.
    public var description: String {
        switch self {
        case .shutDown: return "ExecutorError.shutDown: cannot submit work after shutdown"
        case .broken(let message): return "ExecutorError.broken: \(message)"
        }
    }
}
