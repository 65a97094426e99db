/// Something that runs submitted closures and hands back futures for them.
///
/// ``ThreadPoolExecutor`` is the one this library ships. Another executor (an inline one for tests, a
/// serial one) conforms by implementing ``submit(_:)`` and ``shutdown(wait:cancelFutures:)``, and gets
/// ``Executor/map(_:timeout:chunkSize:_:)-7a4vk`` and the other shared helpers for free.
public protocol Executor: AnyObject, Sendable {
    /// Schedules `work` and returns a future for its result.
    ///
    /// - Parameter work: the closure to run; its error, if it throws, is stored in the future.
    /// - Returns: a pending future that finishes with the closure's value or error.
    /// - Throws: ``ExecutorError/shutDown`` after shutdown, ``ExecutorError/broken(_:)`` if the executor
    ///   can no longer run work.
    func submit<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> Future<T>

    /// Stops taking work and releases the executor's resources.
    ///
    /// - Parameters:
    ///   - wait: if `true`, returns only after every started task has finished and the executor's threads
    ///     have exited.
    ///   - cancelFutures: if `true`, cancels every future whose work has not started.
    func shutdown(wait: Bool, cancelFutures: Bool)
}

extension Executor {
    // The defaults of `shutdown(wait:cancelFutures:)` are three overloads, not one method with default
    // arguments: a method named `shutdown(wait:cancelFutures:)` here would also satisfy the requirement,
    // so a conformer that forgot to implement it would compile and then call itself forever. With these,
    // it does not compile. Every call reads as before: `shutdown()`, `shutdown(wait: false)`,
    // `shutdown(cancelFutures: true)`, and both arguments reach the requirement itself.

    /// Stops taking work, waits for the started work to finish and runs the queued work: the same as
    /// ``Executor/shutdown(wait:cancelFutures:)`` with `wait: true, cancelFutures: false`.
    ///
    /// May be called many times and from any thread. ``submit(_:)`` throws ``ExecutorError/shutDown``
    /// afterwards.
    public func shutdown() {
        shutdown(wait: true, cancelFutures: false)
    }

    /// Stops taking work; queued work still runs. The same as ``Executor/shutdown(wait:cancelFutures:)`` with
    /// `cancelFutures: false`.
    ///
    /// - Parameter wait: if `true`, returns after every started task has finished and every worker
    ///   thread has exited.
    public func shutdown(wait: Bool) {
        shutdown(wait: wait, cancelFutures: false)
    }

    /// Stops taking work and waits for the started work to finish. The same as
    /// ``Executor/shutdown(wait:cancelFutures:)`` with `wait: true`.
    ///
    /// - Parameter cancelFutures: if `true`, cancels every future that has not started; their waiters and
    ///   callbacks see the cancellation before `shutdown` returns. If `false`, queued work still runs.
    public func shutdown(cancelFutures: Bool) {
        shutdown(wait: true, cancelFutures: cancelFutures)
    }

    /// Applies `transform` to every item on the executor's threads and returns the results in input
    /// order.
    ///
    /// ```swift
    /// let sizes = try pool.map(paths, timeout: .seconds(10)) { path in try fileSize(path) }
    /// ```
    ///
    /// All items are submitted at once (in chunks of `chunkSize`), then collected in order. On a timeout,
    /// or when an item throws, every submitted task that has not started is cancelled and the error is
    /// thrown; tasks already running finish on their own.
    ///
    /// - Parameters:
    ///   - items: the inputs; an empty sequence returns `[]` at once.
    ///   - timeout: one deadline for the whole call, measured from the call; `nil` waits as long as it
    ///     takes.
    ///   - chunkSize: how many items one task handles; larger chunks cut per-task overhead for tiny
    ///     functions. `nil` lets the executor pick (one per task for a generic executor; see
    ///     ``ThreadPoolExecutor/map(_:timeout:chunkSize:_:)-2xosl``). Must be at least 1: the program stops
    ///     with a message otherwise.
    ///   - transform: the function to apply; it runs on the executor's threads.
    /// - Returns: `transform` of each item, in the order of `items`.
    /// - Throws: the first error thrown by `transform`, in input order; ``FutureError/timedOut`` if the
    ///   deadline passed; what ``submit(_:)`` throws.
    /// - Complexity: O(*n*) for *n* items, plus O(1) per completion: each task is submitted once and waited on once.
    @available(*, noasync, message: "blocks the thread; use the async overload of map in async code")
    @inlinable
    public func map<S: Sequence, T: Sendable>(
        _ items: S, timeout: Duration? = nil, chunkSize: Int? = nil,
        _ transform: @escaping @Sendable (S.Element) throws -> T
    ) throws -> [T] where S.Element: Sendable {
        try MapOperation(executor: self, items: items, chunkSize: chunkSize ?? 1, transform: transform)
            .run(deadline: Deadline.after(timeout))
    }
}
