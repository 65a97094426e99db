import Futures
import NIOPosix

/// Makes the service's blocking SQLite call in one of the four ways compared (see ``CallMode``), each
/// with one SQLite connection per thread that runs the call.
struct BlockingQueries: Sendable {
    /// Where the blocking call runs.
    enum Route: Sendable {
        case pool(ThreadPoolExecutor)
        case preference(ThreadPoolExecutor)
        case nio(NIOThreadPool)
        case direct
    }

    let route: Route
    /// Each thread's own connection: opened by the Futures pool's initializer on its workers, or on
    /// first use on NIOThreadPool's threads (it has no initializer) and on the cooperative threads.
    let readers: ThreadLocal<ReadingsReader>
    /// Readings each query aggregates.
    let window: Int

    /// Summarizes the window of readings from `start`, making the blocking call the route's way.
    ///
    /// - Throws: ``SQLiteError``; `ExecutorError.shutDown` (or NIO's `ThreadPoolInactive`) when the pool
    ///   has stopped; `CancellationError` if the task was cancelled before the call started.
    func summary(from start: Int) async throws -> WindowSummary {
        let readers = self.readers
        let window = self.window
        let query: @Sendable () throws -> WindowSummary = {
            try readers.current().summary(from: start, count: window)
        }
        switch route {
        case .pool(let pool):
            return try await pool.run(query)
        case .preference(let pool):
            return try await withTaskExecutorPreference(pool) { try query() }
        case .nio(let threadPool):
            return try await threadPool.runIfActive(query)
        case .direct:
            return try query()  // blocks a cooperative thread for the whole query
        }
    }
}
