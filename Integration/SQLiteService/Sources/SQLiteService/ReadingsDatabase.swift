/// The service's data: a table of sensor readings in an SQLite file the program makes at start.
///
/// Row `id` (from 0 to `rows - 1`) holds the reading `(id * 7919) % 1009`, so a client can check any answer
/// (the load harness's `check.lua` does).
enum ReadingsDatabase {
    /// Creates the file at `path` (replacing any old one) with `rows` readings.
    static func create(at path: String, rows: Int) throws {
        let connection = try SQLiteConnection(path: path, readOnly: false)
        try connection.execute(
            """
            DROP TABLE IF EXISTS readings;
            CREATE TABLE readings (id INTEGER PRIMARY KEY, sensor INTEGER NOT NULL, value INTEGER NOT NULL);
            BEGIN;
            """)
        let insert = try connection.prepare("INSERT INTO readings (id, sensor, value) VALUES (?1, ?2, ?3)")
        for id in 0..<Int64(rows) {
            try insert.reset(binding: id, id % 16, (id * 7919) % 1009)
            _ = try insert.step()
        }
        try connection.execute("COMMIT;")
    }
}

/// What the service's query returns: an aggregate over a window of readings.
struct WindowSummary: Sendable {
    /// The first id of the window.
    var start: Int
    /// Rows in the window (fewer than asked for near the end of the table).
    var count: Int64
    /// The sum, smallest and largest of their readings (0 for an empty window).
    var sum: Int64
    var min: Int64
    var max: Int64

    /// The summary as a one-line JSON object.
    var json: String {
        #"{"id":\#(start),"count":\#(count),"sum":\#(sum),"min":\#(min),"max":\#(max)}"#
    }
}

/// A read-only connection with the service's query prepared once: the per-thread state of every blocking
/// call. Belongs to one thread (see ``ThreadLocal``); never shared.
final class ReadingsReader {
    private let statement: SQLiteStatement

    /// Opens its own connection to the database at `path`.
    init(path: String) throws {
        let connection = try SQLiteConnection(path: path, readOnly: true)
        statement = try connection.prepare(
            """
            SELECT count(*), coalesce(sum(value), 0), coalesce(min(value), 0), coalesce(max(value), 0)
            FROM readings WHERE id >= ?1 AND id < ?1 + ?2
            """)
    }

    /// The blocking call: summarizes the `count` readings from id `start` on, on the calling thread. With
    /// the default window of 2000 rows, about 0.6 ms of real SQLite work (a range scan and four aggregates).
    func summary(from start: Int, count: Int) throws -> WindowSummary {
        try statement.reset(binding: Int64(start), Int64(count))
        guard try statement.step() else {
            throw SQLiteError(code: -1, message: "the aggregate query returned no row")
        }
        return WindowSummary(
            start: start, count: statement.int64(at: 0), sum: statement.int64(at: 1),
            min: statement.int64(at: 2), max: statement.int64(at: 3))
    }
}
