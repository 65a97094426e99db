import Foundation
import Futures
import Hummingbird
import Logging
import NIOPosix
import ServiceLifecycle

/// A Hummingbird service whose query endpoint makes a blocking SQLite call, in the way `--mode` picks.
///
/// ```sh
/// swift run -c release --package-path Integration/SQLiteService SQLiteService [--mode pool] [--port 8080]
/// ```
@main
struct SQLiteService {
    static func main() async throws {
        let options = ServiceOptions.parse(
            Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "SQLiteService")  // swift-log's default: info and above, to standard error

        // The database: a temporary file, made and filled before the server starts, removed at exit. A
        // blocking call on a cooperative thread, knowingly: nothing else runs yet, and the pool's workers
        // could not open their connections before the file exists.
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sqlite-service-\(ProcessInfo.processInfo.processIdentifier).db").path
        try ReadingsDatabase.create(at: path, rows: options.rows)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let readers = ThreadLocal { try ReadingsReader(path: path) }

        // One pool for the application's life. Each worker opens its connection in the initializer, before
        // its first query: a database that cannot be opened breaks the pool, and every query then gets a
        // clear 503 instead of a crash. A failed future nobody read goes to the log, not to stderr.
        let pool = ThreadPoolExecutor(
            maxWorkers: options.workers, threadNamePrefix: "sqlite",
            initializer: { _ = try readers.current() },
            configuration: ThreadPoolConfiguration(
                hooks: ThreadPoolHooks(unretrievedError: { error in
                    logger.error("a blocking query failed and nobody read its error: \(error)")
                })))

        let route: BlockingQueries.Route
        var nioThreadPool: NIOThreadPool?
        switch options.mode {
        case .pool: route = .pool(pool)
        case .preference: route = .preference(pool)
        case .direct: route = .direct
        case .nio:
            let threadPool = NIOThreadPool(numberOfThreads: options.workers)
            threadPool.start()
            nioThreadPool = threadPool
            route = .nio(threadPool)
        }
        let queries = BlockingQueries(route: route, readers: readers, window: options.window)

        let app = Application(
            router: makeRouter(queries: queries, rows: options.rows),
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port)),
            onServerRunning: { channel in
                logger.info(
                    "listening",
                    metadata: [
                        "address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
                        "mode": "\(options.mode.rawValue)", "workers": "\(options.workers)",
                        "rows": "\(options.rows)", "window": "\(options.window)",
                    ])
            },
            logger: logger)

        // The pools first, the server last: graceful shutdown goes in reverse, so the server drains before
        // the pools stop (see BlockingPoolsService).
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [BlockingPoolsService(pool: pool, nioThreadPool: nioThreadPool), app],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        logger.info("stopped: the server answered its requests in flight, then the pools drained")
    }
}
