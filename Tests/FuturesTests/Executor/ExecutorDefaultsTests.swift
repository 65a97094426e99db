import Futures
import Synchronization
import Testing

/// The `Executor` extension's `shutdown` defaults reach the conformer's own
/// `shutdown(wait:cancelFutures:)` with the documented arguments. (A conformer that does not implement it
/// no longer compiles: the defaults are overloads with other names, so none can satisfy the requirement.)
@Suite("Executor defaults")
struct ExecutorDefaultsTests {
    /// Runs work inline and records each shutdown's arguments.
    final class RecordingExecutor: Executor {
        let calls = Mutex<[String]>([])

        func submit<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> Future<T> {
            let future = Future<T>()
            _ = try future.setRunningOrNotifyCancel()
            do { try future.setResult(try work()) } catch { try? future.setError(error) }
            return future
        }

        func shutdown(wait: Bool, cancelFutures: Bool) {
            calls.withLock { $0.append("wait: \(wait), cancelFutures: \(cancelFutures)") }
        }
    }

    @Test func everyDefaultCallsTheRequirementWithTheDocumentedArguments() {
        let executor = RecordingExecutor()
        let any: any Executor = executor
        executor.shutdown()
        executor.shutdown(wait: false)
        any.shutdown(cancelFutures: true)
        any.shutdown(wait: false, cancelFutures: true)
        #expect(
            executor.calls.withLock { $0 } == [
                "wait: true, cancelFutures: false", "wait: false, cancelFutures: false",
                "wait: true, cancelFutures: true", "wait: false, cancelFutures: true",
            ])
    }
}
