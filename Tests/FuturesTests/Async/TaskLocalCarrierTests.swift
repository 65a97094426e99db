import Synchronization
import Testing

@testable import Futures

/// The async calls that hand back futures carry the calling task's task-local values into the work
/// (``TaskLocalCarrier``): `submitWaitingForRoom`, the async `map`, and the streaming maps iterated from a
/// task. Blocking `submit` does only on a pool configured to (`carriesTaskLocalValues`).
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

    @Test(.timeLimit(.minutes(1))) func aPoolConfiguredToCarryThemCarriesThemOnEveryBlockingSubmitFromATask()
        async throws
    {
        let pool = ThreadPoolExecutor(maxWorkers: 2, configuration: .init(carriesTaskLocalValues: true))
        let (plain, high, withDeadline) = try Self.$trace.withValue("submit") {
            (
                try pool.submit { Self.trace }, try pool.submit(priority: .high) { Self.trace },
                try pool.submit(deadline: .now + .seconds(60)) { Self.trace }
            )
        }
        #expect(try await plain.value == "submit")
        #expect(try await high.value == "submit")
        #expect(try await withDeadline.value == "submit")
        // The blocking map submits through `submit`; the async map and the streaming maps carry once.
        let mapped = try Self.$trace.withValue("map") { try blockingMap(pool, 0..<50) { _ in Self.trace } }
        #expect(mapped.allSatisfy { $0 == "map" })
        let asyncMapped = try await Self.$trace.withValue("async map") {
            try await pool.map(0..<20, chunkSize: 1) { _ in Self.trace }
        }
        #expect(asyncMapped.allSatisfy { $0 == "async map" })
        let streamed = try await Self.$trace.withValue("stream") {
            var values: [String] = []
            for try await value in pool.unorderedMap(0..<10, bufferSize: 3, { _ in Self.trace }) {
                values.append(value)
            }
            return values
        }
        #expect(streamed == Array(repeating: "stream", count: 10))
        #expect(try await pool.submit { Self.trace }.value == "none", "the workers keep nothing")
        // From a plain thread there is no task and nothing to carry.
        let fromAThread = Locked<Result<String, any Error>?>(nil)
        #expect(
            await startThread {
                fromAThread.withLock { $0 = Result { try pool.submit { Self.trace }.result() } }
            }.waitAsync())
        #expect(try fromAThread.withLock { try $0?.get() } == "none")
        await pool.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func aCarryingPoolWhoseFullQueueRunsWorkOnTheCallerCarriesThemThere()
        async throws
    {
        let pool = ThreadPoolExecutor(
            maxWorkers: 1,
            configuration: .init(maxQueued: 1, whenFull: .runOnCaller, carriesTaskLocalValues: true))
        let held = try await HeldWorker.holding(pool)
        let queued = try pool.submit { Self.trace }
        let ranHere = try Self.$trace.withValue("caller") { try pool.submit { Self.trace } }
        #expect(ranHere.isDone, "the full queue ran it on the caller")
        #expect(try await ranHere.value == "caller")
        try await held.release()
        #expect(try await queued.value == "none")
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

/// The blocking `map`, from synchronous code (it is `noasync`).
private func blockingMap<T: Sendable>(
    _ pool: ThreadPoolExecutor, _ items: Range<Int>, _ transform: @escaping @Sendable (Int) throws -> T
) throws -> [T] {
    try pool.map(items, transform)
}

/// `future.result()`, from synchronous code (the blocking call is `noasync`).
private func blockingResult<T: Sendable>(of future: Future<T>) throws -> T {
    try future.result()
}
