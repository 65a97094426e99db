/// Runs `body` with a new thread pool and shuts the pool down before returning, also when `body` throws.
///
/// ```swift
/// let pages = try withThreadPoolExecutor(maxWorkers: 8) { pool in
///     try pool.map(urls) { url in try fetch(url) }
/// }
/// ```
///
/// The shutdown is `shutdown(wait: true)`: queued work still runs, and the call returns after every task
/// has finished and every worker thread has exited.
///
/// - Parameters:
///   - maxWorkers: the most threads; `nil` for ``ThreadPoolExecutor/defaultMaxWorkers``.
///   - threadNamePrefix: the start of each worker thread's name.
///   - initializer: run once on each worker thread before its first task.
///   - body: uses the pool; do not keep it past the call.
/// - Returns: what `body` returns.
/// - Throws: what `body` throws, after the pool is shut down.
@available(*, noasync, message: "blocks the thread while the pool shuts down; use the async overload in async code")
@_disfavoredOverload  // in async code the async overload wins, also for a body that does not await
public func withThreadPoolExecutor<R>(
    maxWorkers: Int? = nil, threadNamePrefix: String = "",
    initializer: (@Sendable () throws -> Void)? = nil,
    _ body: (ThreadPoolExecutor) throws -> R
) rethrows -> R {
    let pool = ThreadPoolExecutor(maxWorkers: maxWorkers, threadNamePrefix: threadNamePrefix, initializer: initializer)
    defer { pool.shutdown(wait: true, cancelFutures: false) }
    return try body(pool)
}

/// Runs async `body` with a new thread pool and shuts the pool down before returning, also when `body`
/// throws, without blocking a thread while it waits for the workers to exit.
///
/// ```swift
/// let sizes = try await withThreadPoolExecutor(maxWorkers: 4) { pool in
///     try await pool.map(paths) { path in try fileSize(path) }
/// }
/// ```
///
/// - Parameters:
///   - maxWorkers: the most threads; `nil` for ``ThreadPoolExecutor/defaultMaxWorkers``.
///   - threadNamePrefix: the start of each worker thread's name.
///   - initializer: run once on each worker thread before its first task.
///   - isolation: the actor `body` runs on; inferred.
///   - body: uses the pool; do not keep it past the call.
/// - Returns: what `body` returns.
/// - Throws: what `body` throws, after the pool is shut down.
public func withThreadPoolExecutor<R>(
    maxWorkers: Int? = nil, threadNamePrefix: String = "",
    initializer: (@Sendable () throws -> Void)? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ThreadPoolExecutor) async throws -> R
) async rethrows -> R {
    let pool = ThreadPoolExecutor(maxWorkers: maxWorkers, threadNamePrefix: threadNamePrefix, initializer: initializer)
    let result: R
    do {
        result = try await body(pool)
    } catch {
        await pool.shutdownAsync()
        throw error
    }
    await pool.shutdownAsync()
    return result
}
