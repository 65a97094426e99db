/// The result of a done future as one value, for the streaming maps and combinators that collect
/// failures instead of throwing them.
extension Future {
    /// The result if the future is done, with cancellation as `.failure(FutureError.cancelled)`; `nil`
    /// while it is not done.
    @inlinable
    var doneOutcome: Result<Value, any Error>? {
        do {
            return try doneResult()
        } catch {
            return .failure(error)
        }
    }

    /// Blocks until the future is done or `deadline` passes, and returns its result (cancellation as
    /// `.failure(FutureError.cancelled)`). Runs the work inline on a worker of the pool that queued it.
    ///
    /// - Throws: ``FutureError/timedOut`` if `deadline` passes first.
    @usableFromInline
    func outcome(until deadline: Deadline?) throws(FutureError) -> Result<Value, any Error> {
        do {
            return try waitForResult(until: deadline)
        } catch .cancelled {
            return .failure(FutureError.cancelled)
        }
    }
}
