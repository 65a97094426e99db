import CSQLite

/// An error reported by SQLite, with its result code and message.
struct SQLiteError: Error, CustomStringConvertible {
    /// SQLite's result code (`SQLITE_…`).
    let code: Int32
    /// SQLite's own explanation.
    let message: String

    var description: String { "SQLite error \(code): \(message)" }
}

/// One connection to an SQLite database: a thin wrapper over the C API's `sqlite3 *`.
///
/// Not `Sendable`: it is opened with `SQLITE_OPEN_NOMUTEX`, so SQLite does no locking of its own, and it
/// must stay on the thread that uses it (see ``ThreadLocal``).
final class SQLiteConnection {
    let handle: OpaquePointer

    /// Opens the database file at `path`: read-only, or read-write and created if it does not exist.
    init(path: String, readOnly: Bool) throws {
        var handle: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        self.handle = handle
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs SQL that returns no rows (one or more statements).
    func execute(_ sql: String) throws {
        try check(sqlite3_exec(handle, sql, nil, nil, nil))
    }

    /// Compiles one statement to run many times.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil))
        guard let statement else { throw SQLiteError(code: SQLITE_MISUSE, message: "no statement in: \(sql)") }
        return SQLiteStatement(connection: self, handle: statement)
    }

    /// Throws the connection's last error unless `code` is one of `success`.
    func check(_ code: Int32, success: Set<Int32> = [SQLITE_OK]) throws {
        if !success.contains(code) {
            throw SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)))
        }
    }
}

/// A prepared statement of an ``SQLiteConnection``; it keeps its connection open while it lives.
final class SQLiteStatement {
    private let connection: SQLiteConnection
    private let handle: OpaquePointer

    fileprivate init(connection: SQLiteConnection, handle: OpaquePointer) {
        self.connection = connection
        self.handle = handle
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `values` to the parameters `?1`, `?2`, … after resetting the statement.
    func reset(binding values: Int64...) throws {
        try connection.check(sqlite3_reset(handle))
        for (index, value) in values.enumerated() {
            try connection.check(sqlite3_bind_int64(handle, Int32(index + 1), value))
        }
    }

    /// Runs the statement to its next row: `true` if there is one, `false` when it is done.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        try connection.check(code, success: [SQLITE_ROW, SQLITE_DONE])
        return code == SQLITE_ROW
    }

    /// The integer in column `index` (from 0) of the current row.
    func int64(at index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }
}
