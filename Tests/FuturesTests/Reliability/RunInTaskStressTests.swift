import Synchronization
import Testing

@testable import Futures

/// Stress on `pool.run`'s hand-over of the awaiting task to a worker (``RunInTask``): many calls at once,
/// with and without a bounded queue (with one, the call is queued before its task hands the job over, so
/// a worker may take it and wait), some cancelled at once and some while they run, some with deadlines
/// that pass while they wait, and a cancelling shutdown in the middle. Bounded in count (4,000 calls per
/// configuration) and by a time limit.
///
/// Checked: every call returns (no worker waits forever for a job, no job is lost); a call returns its
/// own value with its task-local value seen inside, or throws one of the errors its fate allows; the
/// pool's counts add up.
private enum Outcome: Sendable, Equatable {
    case value, cancelled, missed, refused
}

extension Reliability {
    @Suite("run hand-over stress", .serialized)
    struct RunInTaskStressTests {
        @TaskLocal static var tag = -1

        /// `maxQueued` 0 stands for an unbounded queue.
        @Test(.timeLimit(.minutes(2)), arguments: [0, 4])
        func runsCancelledDeadlinedAndShutDownWhileTheyHandOver(maxQueued: Int) async throws {
            let pool = ThreadPoolExecutor(
                maxWorkers: 2, threadNamePrefix: uniquePrefix("rt"),
                configuration: .init(maxQueued: maxQueued == 0 ? nil : maxQueued))
            let calls = 4_000
            let wrong = Recorder<String>()
            let outcomes = Recorder<Outcome>()
            var tasks: [Task<Void, Never>] = []
            for index in 0..<calls {
                let task = Task { [pool] in
                    do {
                        let seen = try await Self.$tag.withValue(index) {
                            switch index % 3 {
                            case 0:
                                return try await pool.run { Self.tag }
                            case 1:
                                return try await pool.run(deadline: .now + .microseconds(index % 300)) { Self.tag }
                            default:
                                return try await pool.run(priority: .high) {
                                    try CurrentWork.checkCancellation()
                                    return Self.tag
                                }
                            }
                        }
                        if seen != index { wrong.append("\(index) saw \(seen)") }
                        outcomes.append(.value)
                    } catch is CancellationError {
                        outcomes.append(.cancelled)
                    } catch is DeadlineExceededError {
                        if index % 3 != 1 { wrong.append("\(index) missed a deadline it had not") }
                        outcomes.append(.missed)
                    } catch FutureError.cancelled, ExecutorError.shutDown {
                        outcomes.append(.refused)
                    } catch {
                        wrong.append("\(index) threw \(error)")
                    }
                }
                tasks.append(task)
                if index % 7 == 0 { task.cancel() }
                if index == calls / 2 {
                    // Once the first third has returned (so that some calls ran), shut down while the rest
                    // of these are queued, handing over or running, and more come.
                    for earlier in tasks.prefix(calls / 3) { await earlier.value }
                    await pool.shutdown(wait: false, cancelFutures: true)
                }
            }
            for (index, task) in tasks.enumerated() {
                if index % 11 == 0 { task.cancel() }
            }
            for task in tasks { await task.value }
            await pool.shutdown()
            let problems = wrong.values
            #expect(problems.isEmpty, "\(problems.prefix(5))")
            let seen = outcomes.values
            #expect(seen.count == calls, "every call returned once")
            #expect(seen.contains(.value) && seen.contains(.refused))
            let statistics = pool.statistics
            #expect(statistics.submitted == statistics.completed + statistics.failed + statistics.cancelled)
        }
    }
}
