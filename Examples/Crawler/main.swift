// A bounded-concurrency fetch of many pages, handled in the order they arrive, with a live progress line.
//
//     swift run Crawler            # on a terminal: one line that redraws in place
//     swift run Crawler | cat      # not a terminal: plain progress lines, one every 10%
//
// The "site" is a folder of HTML files the example writes to a temporary folder, so it needs no network.
// Fetching a page reads its file and then waits 20–120 ms, the way a slow server would: a blocking call
// that holds its thread. At most 8 fetches run at once (the pool's `maxWorkers`), whatever the number of
// pages; `asCompleted` hands each page to the main thread as soon as it arrives, fastest first.

import Foundation
import Futures

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#elseif canImport(Android)
    import Android
#endif

/// A page that was fetched.
struct Page: Sendable {
    var path: String
    var bytes: Int
    var title: String
    var links: Int
}

/// A fetch that failed, as a server would answer.
struct NotFound: Error, CustomStringConvertible {
    var path: String
    var description: String { "404 Not Found: \(path)" }
}

/// The blocking fetch: read the file, wait like a slow server, pull out the title and count the links.
@Sendable func fetch(_ path: String, from site: URL) throws -> Page {
    let file = site.appendingPathComponent(path)
    guard let data = FileManager.default.contents(atPath: file.path) else { throw NotFound(path: path) }
    usleep(UInt32.random(in: 20_000...120_000))
    let html = String(decoding: data, as: UTF8.self)
    let title =
        html.range(of: "<title>").flatMap { open in
            html.range(of: "</title>", range: open.upperBound..<html.endIndex).map {
                String(html[open.upperBound..<$0.lowerBound])
            }
        } ?? "(untitled)"
    let links = html.components(separatedBy: "<a href=").count - 1
    return Page(path: path, bytes: data.count, title: title, links: links)
}

// MARK: - The site

let pageCount = 160
let site = FileManager.default.temporaryDirectory.appendingPathComponent("Crawler-\(getpid())")
try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: site) }
var paths: [String] = []
for number in 1...pageCount {
    let path = "page-\(number).html"
    paths.append(path)
    if number % 40 == 0 { continue }  // a few broken links: these pages are never written
    let links = (0..<(number % 7)).map { "<a href=\"page-\(($0 * 13 + number) % pageCount + 1).html\">next</a>" }
    let body = String(repeating: "<p>Lorem ipsum dolor sit amet.</p>\n", count: number % 25 + 1)
    let html =
        "<html><head><title>Page \(number)</title></head><body>\n\(links.joined(separator: "\n"))\n\(body)</body></html>\n"
    try html.write(to: site.appendingPathComponent(path), atomically: true, encoding: .utf8)
}

// MARK: - Progress

/// Draws "done / total, rate, ETA": redrawn in place on a terminal, plain lines every 10% otherwise.
struct Progress {
    let total: Int
    let started = ContinuousClock.now
    let isTerminal = isatty(STDOUT_FILENO) == 1
    private var lastPrintedTenth = 0

    init(total: Int) { self.total = total }

    mutating func update(done: Int, failed: Int) {
        let elapsed = Self.seconds(ContinuousClock.now - started)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let percent = done * 100 / total
        let bar = String(repeating: "#", count: percent / 5) + String(repeating: ".", count: 20 - percent / 5)
        let line = String(
            format: "[%@] %3d/%d pages  %5.1f pages/s  ETA %4.1f s  (%d failed)", bar, done, total, rate, eta, failed)
        if isTerminal {
            // Carriage return to the start of the line, then ANSI "erase line", then the new text.
            print("\r\u{1B}[2K" + line, terminator: done == total ? "\n" : "")
            fflush(nil)  // all output streams: stdout is line-buffered and this line has no newline yet
        } else if done * 10 / total > lastPrintedTenth || done == total {
            lastPrintedTenth = done * 10 / total
            print(line)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

// MARK: - The crawl

let workers = 8
print("Fetching \(pageCount) pages from \(site.path) with at most \(workers) at a time")
var pages: [Page] = []
var failures: [any Error] = []
var progress = Progress(total: pageCount)

try withThreadPoolExecutor(maxWorkers: workers, threadNamePrefix: "fetch") { pool in
    let futures = try paths.map { path in try pool.submit { try fetch(path, from: site) } }
    for future in asCompleted(futures) {  // each page as soon as it arrives
        do {
            pages.append(try future.result())  // done already: never blocks here
        } catch {
            failures.append(error)
        }
        progress.update(done: pages.count + failures.count, failed: failures.count)
    }
}

let elapsed = Progress.seconds(ContinuousClock.now - progress.started)
let serialEstimate = 0.070 * Double(pageCount)  // the mean delay, one page after another
print(
    String(
        format: "Fetched %d pages, %d KB, in %.2f s (one at a time would take about %.1f s)",
        pages.count, pages.reduce(0) { $0 + $1.bytes } / 1024, elapsed, serialEstimate))
if let biggest = pages.max(by: { $0.bytes < $1.bytes }) {
    print("Largest: \(biggest.path) \"\(biggest.title)\", \(biggest.bytes) bytes")
}
print("Links found: \(pages.reduce(0) { $0 + $1.links })")
print("Failed (\(failures.count)):")
for error in failures.map({ "\($0)" }).sorted(by: { ($0.count, $0) < ($1.count, $1) }) { print("  \(error)") }
