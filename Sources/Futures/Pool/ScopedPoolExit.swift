/// What a scoped pool (``withThreadPoolExecutor(maxWorkers:threadNamePrefix:initializer:configuration:onExit:_:)``)
/// does with work that has not started when its closure returns or throws.
public enum ScopedPoolExit: Sendable, Equatable {
    /// Run every queued task, then return: `shutdown(wait: true, cancelFutures: false)`. The default, and
    /// what the pinned `withThreadPoolExecutor(maxWorkers:threadNamePrefix:initializer:_:)` does.
    case waitForQueue
    /// Cancel every task that has not started, wait for the running ones, then return:
    /// `shutdown(wait: true, cancelFutures: true)`. For a closure that gave up (a timeout, an error) and
    /// does not want the rest of the queue to run.
    case cancelPending

    var cancelFutures: Bool { self == .cancelPending }
}
