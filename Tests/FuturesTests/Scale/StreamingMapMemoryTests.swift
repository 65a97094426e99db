import Testing

@testable import Futures

/// `lazyMap` and `unorderedMap` promise memory bounded by `bufferSize`: a result handed to the consumer is
/// let go by the stream at once, so at most `bufferSize` results (and their futures) are alive, however long
/// the input (issue 14: results already handed out stayed referenced until 64 had piled up).
@Suite("Streaming maps keep at most bufferSize results alive")
struct StreamingMapMemoryTests {
    /// One worker, which may still hold the future it has just completed for a moment after the consumer
    /// has it: that one future, not the stream's, is the `+ 1` in the bound.
    static let workers = 1

    @Test(.timeLimit(.minutes(1)), arguments: [1, 2, 8], [true, false])
    func resultsAreReleasedAsTheyAreHandedOut(bufferSize: Int, ordered: Bool) throws {
        let pool = ThreadPoolExecutor(maxWorkers: Self.workers)
        defer { pool.shutdown() }
        let tracker = LifetimeTracker()
        let bound = bufferSize + Self.workers
        var seen = 0, mostAlive = 0
        let stream =
            ordered
            ? pool.lazyMap(0..<500, bufferSize: bufferSize) { _ in tracker.instance() }
            : pool.unorderedMap(0..<500, bufferSize: bufferSize) { _ in tracker.instance() }
        for result in stream.results {
            _ = try result.get()
            seen += 1
            mostAlive = max(mostAlive, tracker.liveCount)
        }
        #expect(seen == 500)
        #expect(
            mostAlive <= bound,
            "at most \(bound) results alive with bufferSize \(bufferSize) (\(ordered ? "lazyMap" : "unorderedMap"))")
    }
}
