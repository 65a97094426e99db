import Synchronization
import Testing

@testable import Futures

/// The async calls that hand back futures carry the calling task's task-local values into the work
/// (``TaskLocalCarrier``): `submitWaitingForRoom`, the async `map`, and the streaming maps iterated from a
/// task. Blocking `submit` does not.
@Suite("Task-local values in futures' work")
struct TaskLocalCarrierTests {
    @TaskLocal static var trace = "none"

    @Test(.timeLimit(.minutes(1))) func theAsyncMapCarriesThemIntoEveryChunkAndItem() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let chunked = try await Self.$trace.withValue("map") {
            try await pool.map(0..<100) { _ in Self.trace }
        }
        #expect(chunked.allSatisfy { $0 == "map" })
        let oneByOne = try await Self.$trace.withValue("item") {
            try await pool.map(0..<20, chunkSize: 1) { _ in Self.trace }
        }
        #expect(oneByOne.allSatisfy { $0 == "item" })
        #expect(try await pool.submit { Self.trace }.value == "none", "the workers keep nothing")
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func submitWaitingForRoomCarriesThem() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1, configuration: .init(maxQueued: 2))
        let future = try await Self.$trace.withValue("room") {
            try await pool.submitWaitingForRoom(priority: .high) { Self.trace }
        }
        #expect(try await future.value == "room")
        let plain = try await Self.$trace.withValue("room") { try await pool.submitWaitingForRoom { Self.trace } }
        #expect(try await plain.value == "room")
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func theStreamingMapsIteratedFromATaskCarryThem() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        let inputs = AsyncStream<Int> { continuation in
            for n in 0..<10 { continuation.yield(n) }
            continuation.finish()
        }
        let (ordered, unordered, overASequence) = try await Self.$trace.withValue("stream") {
            var ordered: [String] = []
            for try await value in pool.lazyMap(inputs, { _ in Self.trace }) { ordered.append(value) }
            var unordered: [String] = []
            for try await value in pool.unorderedMap(0..<10, bufferSize: 3, { _ in Self.trace }) {
                unordered.append(value)
            }
            var overASequence: [String] = []
            for try await value in pool.lazyMap(0..<10, { _ in Self.trace }) { overASequence.append(value) }
            return (ordered, unordered, overASequence)
        }
        #expect(ordered == Array(repeating: "stream", count: 10))
        #expect(unordered == Array(repeating: "stream", count: 10))
        #expect(overASequence == Array(repeating: "stream", count: 10))
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func blockingSubmitCarriesNothingEvenFromATask() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let future = try Self.$trace.withValue("submit") { try pool.submit { Self.trace } }
        #expect(try await future.value == "none")
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func aCarriedFutureCancelledBeforeItRunsEndsItsTaskWithoutTheWork() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let held = try await HeldWorker.holding(pool)
        let released: Gate
        let ran = Counter()
        do {
            let captured = ReleaseSignal()
            released = captured.gate
            let future = try await Self.$trace.withValue("dropped") {
                try await pool.submitWaitingForRoom {
                    captured.touch()
                    ran.increment()
                }
            }
            #expect(future.cancel())
        }
        // The carrier's task ends on Swift's global executor and lets go of the work (and what it captured).
        #expect(await released.waitAsync())
        try await held.release()
        try await pool.waitUntilIdle()
        #expect(ran.count == 0)
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func aWorkerWaitingOnACarriedFutureRunsItInlineInsideItsOwnTask() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let seen = try await Self.$trace.withValue("outer") {
            try await withTaskExecutorPreference(pool) {
                // On the pool's only worker: the carried future can only run here, inline, as the worker
                // waits for it, running the carrier's task inside this task's job.
                let future = try await Self.$trace.withValue("inner") {
                    try await pool.submitWaitingForRoom { Self.trace }
                }
                return (try blockingResult(of: future), Self.trace)
            }
        }
        #expect(seen.0 == "inner" && seen.1 == "outer")
        await pool.shutdown()
    }
}

/// `future.result()`, from synchronous code (the blocking call is `noasync`).
private func blockingResult<T: Sendable>(of future: Future<T>) throws -> T {
    try future.result()
}
