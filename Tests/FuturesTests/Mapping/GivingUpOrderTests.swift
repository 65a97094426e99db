import Futures
import Testing

/// Giving up on a group cancels its unstarted tasks newest first (Guarantees: "Giving up on a group cancels
/// it newest first"), so that a worker coming free meanwhile, taking the oldest, cannot race the cancelling
/// through the tasks behind the one it takes. Checked here on an executor that never runs what it holds, so
/// the order is seen exactly; `StreamingMapTests`' leaving-early tests show the race it closes on a pool.
@Suite("Giving up cancels newest first")
struct GivingUpOrderTests {
    /// Runs its first `runsInline` submissions at once, on the caller; holds every later one pending, for
    /// good, and records the order (by submission, from 0) in which those end.
    final class HoldingExecutor: Executor {
        private let runsInline: Int
        private let submitted = Counter()
        let ended = Recorder<Int>()

        init(runsInline: Int) { self.runsInline = runsInline }

        func submit<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> Future<T> {
            let index = submitted.increment() - 1
            let future = Future<T>()
            if index < runsInline {
                _ = try future.setRunningOrNotifyCancel()
                do { try future.setResult(try work()) } catch { try? future.setError(error) }
            } else {
                future.addDoneCallback { [ended] _ in ended.append(index) }
            }
            return future
        }

        func shutdown(wait: Bool, cancelFutures: Bool) {}
    }

    @Test(arguments: [true, false]) func leavingAStreamingMapCancelsTheBufferNewestFirst(ordered: Bool) throws {
        let executor = HoldingExecutor(runsInline: 1)
        let stream =
            ordered
            ? executor.lazyMap(0..<100, bufferSize: 4, { $0 }) : executor.unorderedMap(0..<100, bufferSize: 4, { $0 })
        for result in stream.results {
            #expect(try result.get() == 0)
            break
        }
        #expect(executor.ended.values == [3, 2, 1])
    }

    @Test func aMapThatTimesOutCancelsNewestFirst() {
        let executor = HoldingExecutor(runsInline: 1)
        #expect(throws: FutureError.timedOut) {
            try executor.map(0..<5, timeout: .milliseconds(1), chunkSize: 1) { $0 }
        }
        #expect(executor.ended.values == [4, 3, 2, 1])
    }

    @Test func invokeAllThatTimesOutCancelsNewestFirst() async {
        let executor = HoldingExecutor(runsInline: 2)
        let tasks = (0..<5).map { index in { @Sendable in index } }
        #expect(throws: FutureError.timedOut) { try executor.invokeAll(tasks, timeout: .milliseconds(1)) }
        #expect(executor.ended.values == [4, 3, 2])
        let asyncExecutor = HoldingExecutor(runsInline: 2)
        await #expect(throws: FutureError.timedOut) {
            try await asyncExecutor.invokeAll(tasks, timeout: .milliseconds(1))
        }
        #expect(asyncExecutor.ended.values == [4, 3, 2])
    }
}
