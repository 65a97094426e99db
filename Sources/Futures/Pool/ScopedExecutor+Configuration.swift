/// Runs `body` with a new thread pool made with production controls, and shuts the pool down as `onExit`
/// says before returning, also when `body` throws.
///
/// ```swift
/// let report = try withThreadPoolExecutor(
///     maxWorkers: 4, configuration: .init(maxQueued: 100, maxTasksPerWorker: 1_000), onExit: .cancelPending
/// ) { pool in
///     let futures = try jobs.map { job in try pool.submit { try job.run() } }
///     let (done, _) = wait(futures, timeout: .seconds(10))
///     return done.count                                      // the rest is cancelled on the way out
/// }
/// ```
///
/// Either way the call returns after every started task has finished and every worker thread has exited
/// (with its ``WorkerLocal`` cleanups run). Runs `body` on the calling thread.
///
/// - Parameters:
///   - maxWorkers: the most threads; `nil` for ``ThreadPoolExecutor/defaultMaxWorkers``.
///   - threadNamePrefix: the start of each worker thread's name.
///   - initializer: run once on each worker thread before its first task.
///   - configuration: the pool's controls (bounded queue, keep-alive, hooks, `maxTasksPerWorker`…).
///   - onExit: ``ScopedPoolExit/waitForQueue`` (the default) runs what is queued;
///     ``ScopedPoolExit/cancelPending`` cancels it.
///   - body: uses the pool; do not keep it past the call.
/// - Returns: what `body` returns.
/// - Throws: what `body` throws, after the pool is shut down.
@available(*, noasync, message: "blocks the thread while the pool shuts down; use the async overload in async code")
@_disfavoredOverload  // in async code the async overload wins, as for the pinned form
public func withThreadPoolExecutor<R>(
    maxWorkers: Int? = nil, threadNamePrefix: String = "",
    initializer: (@Sendable () throws -> Void)? = nil,
    configuration: ThreadPoolConfiguration, onExit: ScopedPoolExit = .waitForQueue,
    _ body: (ThreadPoolExecutor) throws -> R
) rethrows -> R {
    let pool = ThreadPoolExecutor(
        maxWorkers: maxWorkers, threadNamePrefix: threadNamePrefix, initializer: initializer,
        configuration: configuration)
    defer { pool.shutdown(wait: true, cancelFutures: onExit.cancelFutures) }
    return try body(pool)
}

/// Runs `body` with a new thread pool and shuts the pool down as `onExit` says before returning, also when
/// `body` throws.
///
/// ``withThreadPoolExecutor(maxWorkers:threadNamePrefix:initializer:configuration:onExit:_:)`` with the
/// default configuration. (The pinned form without `onExit:` is ``ScopedPoolExit/waitForQueue``.)
///
/// ```swift
/// try withThreadPoolExecutor(maxWorkers: 4, onExit: .cancelPending) { pool in
///     for path in paths { _ = try pool.submit { try index(path) } }
///     try pool.waitUntilIdle(timeout: .seconds(5))   // throws on a timeout: what is queued is cancelled
/// }
/// ```
///
/// - Parameters:
///   - maxWorkers: the most threads; `nil` for ``ThreadPoolExecutor/defaultMaxWorkers``.
///   - threadNamePrefix: the start of each worker thread's name.
///   - initializer: run once on each worker thread before its first task.
///   - onExit: ``ScopedPoolExit/waitForQueue`` runs what is queued; ``ScopedPoolExit/cancelPending``
///     cancels it.
///   - body: uses the pool; do not keep it past the call.
/// - Returns: what `body` returns.
/// - Throws: what `body` throws, after the pool is shut down.
@available(*, noasync, message: "blocks the thread while the pool shuts down; use the async overload in async code")
@_disfavoredOverload  // in async code the async overload wins, as for the pinned form
public func withThreadPoolExecutor<R>(
    maxWorkers: Int? = nil, threadNamePrefix: String = "",
    initializer: (@Sendable () throws -> Void)? = nil,
    onExit: ScopedPoolExit,
    _ body: (ThreadPoolExecutor) throws -> R
) rethrows -> R {
    try withThreadPoolExecutor(
        maxWorkers: maxWorkers, threadNamePrefix: threadNamePrefix, initializer: initializer,
        configuration: ThreadPoolConfiguration(), onExit: onExit, body)
}

/// Runs async `body` with a new thread pool made with production controls, and shuts the pool down as
/// `onExit` says before returning, also when `body` throws, without blocking a thread while the workers
/// exit.
///
/// ```swift
/// let sizes = try await withThreadPoolExecutor(
///     maxWorkers: 4, configuration: .init(maxQueued: 64), onExit: .cancelPending
/// ) { pool in
///     try await pool.map(paths) { path in try fileSize(path) }
/// }
/// ```
///
/// - Parameters:
///   - maxWorkers: the most threads; `nil` for ``ThreadPoolExecutor/defaultMaxWorkers``.
///   - threadNamePrefix: the start of each worker thread's name.
///   - initializer: run once on each worker thread before its first task.
///   - configuration: the pool's controls.
///   - onExit: ``ScopedPoolExit/waitForQueue`` (the default) runs what is queued;
///     ``ScopedPoolExit/cancelPending`` cancels it.
///   - isolation: the actor `body` runs on; inferred.
///   - body: uses the pool; do not keep it past the call.
/// - Returns: what `body` returns.
/// - Throws: what `body` throws, after the pool is shut down.
public func withThreadPoolExecutor<R>(
    maxWorkers: Int? = nil, threadNamePrefix: String = "",
    initializer: (@Sendable () throws -> Void)? = nil,
    configuration: ThreadPoolConfiguration, onExit: ScopedPoolExit = .waitForQueue,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ThreadPoolExecutor) async throws -> R
) async rethrows -> R {
    let pool = ThreadPoolExecutor(
        maxWorkers: maxWorkers, threadNamePrefix: threadNamePrefix, initializer: initializer,
        configuration: configuration)
    let result: R
    do {
        result = try await body(pool)
    } catch {
        await pool.shutdownAsync(cancelFutures: onExit.cancelFutures)
        throw error
    }
    await pool.shutdownAsync(cancelFutures: onExit.cancelFutures)
    return result
}

/// Runs async `body` with a new thread pool and shuts the pool down as `onExit` says before returning,
/// also when `body` throws, without blocking a thread while the workers exit.
///
/// ``withThreadPoolExecutor(maxWorkers:threadNamePrefix:initializer:configuration:onExit:isolation:_:)``
/// with the default configuration.
///
/// - Parameters:
///   - maxWorkers: the most threads; `nil` for ``ThreadPoolExecutor/defaultMaxWorkers``.
///   - threadNamePrefix: the start of each worker thread's name.
///   - initializer: run once on each worker thread before its first task.
///   - onExit: ``ScopedPoolExit/waitForQueue`` runs what is queued; ``ScopedPoolExit/cancelPending``
///     cancels it.
///   - isolation: the actor `body` runs on; inferred.
///   - body: uses the pool; do not keep it past the call.
/// - Returns: what `body` returns.
/// - Throws: what `body` throws, after the pool is shut down.
public func withThreadPoolExecutor<R>(
    maxWorkers: Int? = nil, threadNamePrefix: String = "",
    initializer: (@Sendable () throws -> Void)? = nil,
    onExit: ScopedPoolExit,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ThreadPoolExecutor) async throws -> R
) async rethrows -> R {
    try await withThreadPoolExecutor(
        maxWorkers: maxWorkers, threadNamePrefix: threadNamePrefix, initializer: initializer,
        configuration: ThreadPoolConfiguration(), onExit: onExit, isolation: isolation, body)
}
