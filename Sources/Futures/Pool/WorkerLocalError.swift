/// Why a ``WorkerLocal`` read failed, when it is not the factory's own error.
public enum WorkerLocalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// ``WorkerLocal/value`` was read off a pool worker (a plain thread, async code), where no worker owns
    /// a value. Use ``WorkerLocal/withValue(_:)`` there, which makes one for the call.
    case notOnWorker
    /// The factory read the `WorkerLocal` it is making a value for.
    case recursiveFactory

    /// A readable description of the error.
    public var description: String {
        switch self {
        case .notOnWorker:
            return "WorkerLocalError.notOnWorker: WorkerLocal.value was read off a pool worker thread; "
                + "use withValue, which makes a value for the call"
        case .recursiveFactory:
            return "WorkerLocalError.recursiveFactory: a WorkerLocal factory read its own WorkerLocal"
        }
    }
}
