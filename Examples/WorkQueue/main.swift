// The "add tasks, wait for completion" pool that people write by hand with a queue, a few threads and a
// counter, done with `submit` and `wait`, and with every task's error reported instead of printed from a
// worker and lost.
//
//     swift run WorkQueue
//
// The tasks count the lines and words of a set of text files that the example writes to a temporary
// folder. A few of the tasks fail on purpose: a file that is missing, one that is not UTF-8, one that is
// empty. Each error stays in its task's future until the summary reads it.

import Foundation
import Futures

/// A task's own failure, with a message a person can act on.
struct EmptyFileError: Error, CustomStringConvertible {
    var description: String { "the file is empty" }
}

/// What one task produces.
struct FileStats: Sendable {
    var lines: Int
    var words: Int
}

/// The blocking work: read a file and count its lines and words.
@Sendable func countWords(inFileAt path: String) throws -> FileStats {
    let text = try String(contentsOfFile: path, encoding: .utf8)  // throws if missing or not UTF-8
    if text.isEmpty { throw EmptyFileError() }
    usleep(20_000)  // a slow disk or a network file system
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
    let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count
    return FileStats(lines: lines, words: words)
}

// Set up: 20 files, of which three will fail.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("WorkQueue-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
var paths: [String] = []
for number in 1...17 {
    let path = folder.appendingPathComponent("chapter-\(number).txt").path
    let text = (1...(number * 3)).map { "line \($0) of chapter \(number) has seven words" }.joined(separator: "\n")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    paths.append(path)
}
let notUTF8 = folder.appendingPathComponent("cover.jpg").path
try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]).write(to: URL(fileURLWithPath: notUTF8))
let empty = folder.appendingPathComponent("blank.txt").path
try Data().write(to: URL(fileURLWithPath: empty))
paths += [notUTF8, folder.appendingPathComponent("missing.txt").path, empty]

let workers = 4
let started = ContinuousClock.now

let (succeeded, failed) = try withThreadPoolExecutor(maxWorkers: workers, threadNamePrefix: "words") { pool in
    // Add the tasks: each `submit` returns a future at once and the work runs on a pool thread.
    var tasks: [Future<FileStats>: String] = [:]
    for path in paths {
        tasks[try pool.submit { try countWords(inFileAt: path) }] = path
    }
    print("Queued \(tasks.count) tasks on a pool of \(workers) threads")

    // Wait for completion: one call, however many tasks. A timeout would return the rest in `notDone`.
    let (done, notDone) = wait(tasks.keys, timeout: .seconds(30))
    precondition(notDone.isEmpty, "\(notDone.count) tasks still running after 30 s")

    // Report: every future holds its value or its error; `error()` reads the error without throwing it.
    var succeeded: [(name: String, stats: FileStats)] = []
    var failed: [(name: String, error: any Error)] = []
    for future in done {
        let name = URL(fileURLWithPath: tasks[future]!).lastPathComponent
        if let error = try future.error() {
            failed.append((name, error))
        } else {
            succeeded.append((name, try future.result()))
        }
    }
    return (succeeded.sorted { $0.name < $1.name }, failed.sorted { $0.name < $1.name })
}  // the pool is shut down here, its threads have exited

let elapsed = ContinuousClock.now - started
let totalWords = succeeded.reduce(0) { $0 + $1.stats.words }
let totalLines = succeeded.reduce(0) { $0 + $1.stats.lines }
print("All \(paths.count) tasks done in \(elapsed.formatted(.units(allowed: [.milliseconds])))")
print("  \(succeeded.count) succeeded: \(totalLines) lines, \(totalWords) words")
print("  \(failed.count) failed:")
for (name, error) in failed {
    // The work's own error, as it was thrown: a CocoaError from Foundation for the unreadable files, our
    // own EmptyFileError for the empty one.
    let message = error is CocoaError ? error.localizedDescription : "\(error)"
    print("    \(name): \(message)")
}
