import Foundation

/// How the query endpoint makes its blocking call.
enum CallMode: String, CaseIterable, Sendable {
    /// `try await pool.run { … }`: the call runs on a worker of the Futures pool; the task suspends.
    case pool
    /// `withTaskExecutorPreference(pool) { … }`: the task's synchronous stretch runs on a pool worker.
    case preference
    /// `NIOThreadPool.runIfActive { … }`: swift-nio's pool, what Hummingbird and Vapor users reach for.
    case nio
    /// The call right in the handler, on Swift's cooperative threads: what not to do.
    case direct
}

/// The service's settings, from the command line (`--name value`) or the environment
/// (`SQLITE_SERVICE_NAME`), with a default for each.
struct ServiceOptions: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    var mode = CallMode.pool
    /// Threads of the blocking pool (the Futures pool, or the NIOThreadPool in `nio` mode).
    var workers = ServiceOptions.defaultWorkers
    /// Readings in the database.
    var rows = 20_000
    /// Readings each query aggregates.
    var window = 2_000

    /// The default pool size: one thread per core. Each query here is CPU work (the small file sits in
    /// SQLite's page cache), so a thread per core keeps every core busy, and more threads would only queue
    /// on the cores and take time from the event loops that answer `/health`. For a database that mostly
    /// waits (on a disk, or a server across the network), size the pool for the calls you want in flight
    /// instead: threads that wait cost no CPU.
    static var defaultWorkers: Int { ProcessInfo.processInfo.activeProcessorCount }

    static let usage = """
        usage: SQLiteService [--host H] [--port P] [--mode pool|preference|nio|direct] [--workers N]
                             [--rows N] [--window N]
        each option may also come from the environment: SQLITE_SERVICE_HOST, _PORT, _MODE, _WORKERS, _ROWS, _WINDOW
        """

    /// Reads the settings; a bad or unknown option ends the program with a message naming it.
    static func parse(_ arguments: [String], environment: [String: String]) -> ServiceOptions {
        let names = ["host", "port", "mode", "workers", "rows", "window"]
        var values: [String: String] = [:]
        for name in names {
            values[name] = environment["SQLITE_SERVICE_\(name.uppercased())"]
        }
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            if argument == "--help" || argument == "-h" { exitWithUsage(nil, status: 0) }
            guard argument.hasPrefix("--"), let value = rest.popFirst() else {
                exitWithUsage("expected --name value, got '\(argument)'")
            }
            let name = String(argument.dropFirst(2))
            guard names.contains(name) else { exitWithUsage("unknown option --\(name)") }
            values[name] = value
        }
        var options = ServiceOptions()
        if let host = values["host"] { options.host = host }
        if let mode = values["mode"] {
            guard let parsed = CallMode(rawValue: mode) else {
                exitWithUsage("--mode must be one of pool, preference, nio, direct; got '\(mode)'")
            }
            options.mode = parsed
        }
        options.port = integer(values["port"], name: "port", default: options.port, in: 0...65535)
        options.workers = integer(values["workers"], name: "workers", default: options.workers, in: 1...1024)
        options.rows = integer(values["rows"], name: "rows", default: options.rows, in: 1...10_000_000)
        options.window = integer(values["window"], name: "window", default: options.window, in: 1...10_000_000)
        return options
    }

    private static func integer(_ text: String?, name: String, default value: Int, in range: ClosedRange<Int>) -> Int {
        guard let text else { return value }
        guard let parsed = Int(text), range.contains(parsed) else {
            exitWithUsage("--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound); got '\(text)'")
        }
        return parsed
    }

    private static func exitWithUsage(_ problem: String?, status: Int32 = 2) -> Never {
        if let problem { FileHandle.standardError.write(Data("SQLiteService: \(problem)\n".utf8)) }
        FileHandle.standardError.write(Data((usage + "\n").utf8))
        exit(status)
    }
}
