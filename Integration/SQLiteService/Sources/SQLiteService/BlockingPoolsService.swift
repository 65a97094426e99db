import Futures
import NIOPosix
import ServiceLifecycle

/// Ties the blocking pools' lifetime to the service's: the pools live until graceful shutdown (SIGTERM or
/// SIGINT) reaches this service, then drain and stop without blocking a thread.
///
/// List it *before* the HTTP application in the `ServiceGroup`: the group shuts services down in reverse
/// order, each after the one before it has returned, so the server has stopped taking requests and
/// answered every one in flight before the pools stop. No request ever finds the pool shut.
struct BlockingPoolsService: Service {
    let pool: ThreadPoolExecutor
    let nioThreadPool: NIOThreadPool?

    func run() async throws {
        // Returns at graceful shutdown; throws if the group is cancelled instead. Either way, stop the pools.
        try? await gracefulShutdown()
        await pool.shutdown()  // queued work still runs; suspends until every worker has exited
        try await nioThreadPool?.shutdownGracefully()
    }
}
