/// Work that can be asked to stop while it runs: a ``Future`` seen without its value type, as a worker
/// publishes the one it runs (``WorkerSlot``) for ``CurrentWork`` to read.
@usableFromInline
protocol CancellableWork: AnyObject, Sendable {
    /// Whether someone asked the work to stop.
    var isCancellationRequested: Bool { get }
    /// Registers `handler` for the request. Returns `false` (registering nothing) if the request came
    /// already; the caller then runs it.
    func addCancellationHandler(_ handler: CancellationHandler) -> Bool
    /// Removes a handler whose scope ended.
    func removeCancellationHandler(_ handler: CancellationHandler)
    /// Records the request on the work's own future (see ``Future/requestCancellation()``).
    @discardableResult func requestCancellation() -> Bool
}
