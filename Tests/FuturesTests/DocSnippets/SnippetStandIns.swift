// More stand-ins for the documentation's snippets, beside those of SnippetSupport.swift. The Glossary
// article ("Names the snippets use") and the README list every one and what it stands for.

import Foundation
import Futures
import Synchronization

extension DocSnippets {
    /// Stands for the lines of a text file: a few short strings.
    var lines: [String] { (1...40).map { "line \($0) of a text file" } }

    /// Stands for a CPU-bound step, such as a hash: a checksum of `text`.
    @Sendable func checksum(_ text: String) -> Int {
        text.utf8.reduce(0) { ($0 &* 31) &+ Int($1) }
    }
}

// A stand-in for a C library whose handles are `OpaquePointer`s (sqlite3's `sqlite3 *`, say): open, a
// blocking call on a handle, close. Free functions, as a C library's are. `openCHandles` counts the handles
// open, so a test can check that every one was closed.

/// How many stand-in C handles are open.
let openCHandles = Atomic<Int>(0)

/// Stands for a C library's open call (`sqlite3_open`): an opaque handle, or `nil` when it fails.
func openHandle(_ name: String) -> OpaquePointer? {
    let storage = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    storage.initialize(to: Int32(name.utf8.count))
    openCHandles.add(1, ordering: .relaxed)
    return OpaquePointer(storage)
}

/// Stands for a blocking C call on a handle (a query): returns a number computed from `n`.
func query(_ handle: OpaquePointer, _ n: Int32) -> Int32 {
    usleep(100)  // stands for the time the C call blocks
    return UnsafeMutablePointer<Int32>(handle).pointee &+ n
}

/// Stands for the C library's close call (`sqlite3_close`).
func closeHandle(_ handle: OpaquePointer) {
    UnsafeMutablePointer<Int32>(handle).deallocate()
    openCHandles.subtract(1, ordering: .relaxed)
}

/// Stands for a socket whose `read` blocks until data comes or the socket is closed (`read(2)` on a
/// descriptor that another thread shuts down): here no data ever comes, so `read` returns only when
/// `close` is called, and then throws.
final class BlockingSocket: Sendable {
    private let closed = DispatchSemaphore(value: 0)

    /// Blocks until ``close()``; then throws `SnippetError`, as a read on a closed socket fails.
    func read() throws -> [UInt8] {
        closed.wait()
        closed.signal()
        throw SnippetError(message: "the socket was closed")
    }

    /// Closes the socket: a blocked ``read()`` returns.
    func close() { closed.signal() }
}

/// Stands for a task-local value of the caller's (a request id, a tracing context).
enum Request {
    @TaskLocal static var id = "none"
}
