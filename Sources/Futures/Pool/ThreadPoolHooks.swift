/// Code a ``ThreadPoolExecutor`` runs at its events, like the overridable hooks of Java's
/// `ThreadPoolExecutor`. Every hook is optional and runs with no lock held; keep them short, since the
/// thread running one does nothing else meanwhile. A hook must not throw or stop the thread.
///
/// Order on each worker thread: ``workerStarted`` (before the pool's initializer), then for each task
/// ``beforeTask`` and ``afterTask``, then ``workerExiting``. A future's waiters and callbacks are told
/// after ``afterTask`` has returned.
public struct ThreadPoolHooks: Sendable {
    /// Runs first on each new worker thread, before the initializer; gets the thread's name.
    public var workerStarted: (@Sendable (_ threadName: String) -> Void)?
    /// Runs last on each worker thread before it exits (at shutdown, or after ``ThreadPoolConfiguration/keepAlive``);
    /// `shutdown(wait: true)` returns after it has run on every worker. Gets the thread's name.
    public var workerExiting: (@Sendable (_ threadName: String) -> Void)?
    /// Runs just before each submitted task's work, on the thread about to run it. Not for cancelled
    /// tasks, which never run.
    public var beforeTask: (@Sendable () -> Void)?
    /// Runs just after each submitted task's work, on the same thread, with the error it threw or `nil`.
    public var afterTask: (@Sendable (_ error: (any Error)?) -> Void)?
    /// Gets the error of a failed future of this pool that was released without anyone having read its
    /// error (through `result`, `error`, `value` or `map`), once, on the thread that released the last
    /// reference. `nil`, the default, writes one line on standard error. Cancelled futures are never
    /// reported.
    public var unretrievedError: (@Sendable (any Error) -> Void)?

    /// Makes a set of hooks; each defaults to none.
    ///
    /// - Parameters:
    ///   - workerStarted: runs first on each worker thread, with its name.
    ///   - workerExiting: runs last on each worker thread, with its name.
    ///   - beforeTask: runs before each task's work.
    ///   - afterTask: runs after each task's work, with its error or `nil`.
    ///   - unretrievedError: gets each error nobody read; `nil` prints one line on standard error.
    public init(
        workerStarted: (@Sendable (_ threadName: String) -> Void)? = nil,
        workerExiting: (@Sendable (_ threadName: String) -> Void)? = nil,
        beforeTask: (@Sendable () -> Void)? = nil,
        afterTask: (@Sendable (_ error: (any Error)?) -> Void)? = nil,
        unretrievedError: (@Sendable (any Error) -> Void)? = nil
    ) {
        self.workerStarted = workerStarted
        self.workerExiting = workerExiting
        self.beforeTask = beforeTask
        self.afterTask = afterTask
        self.unretrievedError = unretrievedError
    }

    /// Whether a task's work needs wrapping to run the task hooks.
    var wrapsTasks: Bool { beforeTask != nil || afterTask != nil }
}
