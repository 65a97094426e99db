import Foundation
import Synchronization
import Testing

@testable import Futures

/// Stress on cancellation requests and deadlines racing with everything else: two submitters queue tasks
/// with and without deadlines (some already passed, some passing while the task waits or runs), a third
/// thread asks every third future to stop at whatever point it has reached, running work registers
/// handlers and checks ``CurrentWork`` as it goes, and a `shutdown(cancelFutures: true)` lands while one
/// submitter still submits. Bounded in count (at most 18,000 tasks per configuration) and by a time limit.
///
/// Checked: the test ends (no deadlock between a request, the work's handler scopes, the timer and the
/// pool); every future ends exactly once (its done callback runs once); a future failed by its deadline
/// never ran its work; every handler runs at most once; the pool's counts add up.
extension Reliability {
    @Suite("Cancellation stress", .serialized)
    struct CancellationStressTests {
        @Test(.timeLimit(.minutes(2)), arguments: [2, 4])
        func requestsDeadlinesAndACancellingShutdownRace(workers: Int) throws {
            // A short bounded queue keeps the submitters (blocked when it is full) and the requester close
            // to the running work, so that requests and deadlines land on tasks in every state.
            let pool = ThreadPoolExecutor(
                maxWorkers: workers, threadNamePrefix: uniquePrefix("cs"),
                configuration: .init(maxQueued: 16, whenFull: .block))
            let perSubmitter = 6_000
            let submitted = Locked<[(Int, Future<Int>)]>([])
            let ran = Locked<Set<Int>>([])
            let handlerCalls = Locked<[Int: Int]>([:])
            let doneCallbacks = Counter()
            let submitters = ThreadGroup()
            let firstDone = Gate()
            submitters.start(2, namePrefix: uniquePrefix("csd")) { submitter in
                defer { if submitter == 1 { firstDone.open() } }
                for step in 0..<(submitter == 0 ? 2 * perSubmitter : perSubmitter) {
                    let index = submitter * 1_000_000 + step
                    let work: @Sendable () throws -> Int = {
                        ran.withLock { _ = $0.insert(index) }
                        return try CurrentWork.withCancellationHandler {
                            for _ in 0..<20 {
                                try CurrentWork.checkCancellation()
                                _ = spin(2_000)
                            }
                            return index
                        } onCancel: {
                            handlerCalls.withLock { $0[index, default: 0] += 1 }
                        }
                    }
                    let future: Future<Int>
                    do {
                        switch step % 4 {
                        case 0: future = try pool.submit(work)
                        case 1: future = try pool.submit(deadline: .now + .microseconds(step % 2_000), work)
                        case 2: future = try pool.submit(deadline: .now - .seconds(1), priority: .high, work)
                        default: future = try pool.submit(priority: .background, work)
                        }
                    } catch {
                        return  // shut down
                    }
                    future.addDoneCallback { _ in doneCallbacks.increment() }
                    submitted.withLock { $0.append((index, future)) }
                }
            }
            // The requester asks every third future to stop, pending, running or done.
            let stop = Atomic<Bool>(false)
            let requester = ThreadGroup()
            requester.start(1, namePrefix: uniquePrefix("csr")) { _ in
                var next = 0
                while !stop.load(ordering: .relaxed) {
                    let batch = submitted.withLock { list in Array(list[min(next, list.count)...]) }
                    next += batch.count
                    for (offset, (_, future)) in batch.enumerated() where (next - batch.count + offset) % 3 == 0 {
                        future.requestCancellation()
                    }
                    if batch.isEmpty { PlatformThread.yield() }
                }
            }
            #expect(firstDone.wait(timeout: .seconds(60)), "submitter 1 finished")
            pool.shutdown(wait: false, cancelFutures: true)  // while submitter 0 still submits
            #expect(submitters.join(timeout: .seconds(60)), "every submitter returned")
            pool.shutdown(wait: true)
            stop.store(true, ordering: .relaxed)
            #expect(requester.join(timeout: .seconds(60)), "the requester returned")

            let futures = submitted.withLock { $0 }
            let ranIndices = ran.withLock { $0 }
            var cancelled = 0
            // (On this 2-core host a run sees about 1,700 cancelled, 4,000 missed deadlines and 550 stopped on
            // request, most of them by a handler.)
            var missed = 0
            var wrong: [String] = []
            for (index, future) in futures {
                switch future.state {
                case .cancelled:
                    cancelled += 1
                    if ranIndices.contains(index) { wrong.append("\(index) cancelled but ran") }
                case .finished:
                    do {
                        if try future.result() != index { wrong.append("\(index) has another value") }
                    } catch is DeadlineExceededError {
                        missed += 1
                        if ranIndices.contains(index) { wrong.append("\(index) missed its deadline but ran") }
                    } catch is CancellationError {
                        if !future.isCancellationRequested { wrong.append("\(index) stopped unasked") }
                    } catch {
                        wrong.append("\(index) failed with \(error)")
                    }
                case .pending, .running:
                    wrong.append("\(index) is not done")
                }
            }
            #expect(futures.count > perSubmitter)
            #expect(wrong.isEmpty, "\(wrong.prefix(5))")
            #expect(doneCallbacks.wait(for: futures.count, timeout: .seconds(30)))
            #expect(doneCallbacks.count == futures.count, "every future ended exactly once")
            let calls = handlerCalls.withLock { $0 }
            #expect(cancelled > 0 && missed > 0, "the shutdown cancelled queued work; passed deadlines failed work")
            #expect(calls.values.allSatisfy { $0 == 1 }, "every handler ran at most once")
            let statistics = pool.statistics
            #expect(statistics.submitted == statistics.completed + statistics.failed + statistics.cancelled)
            #expect(statistics.cancelled >= cancelled)
        }
    }
}

/// A few hundred nanoseconds of work the optimizer keeps.
private func spin(_ count: Int) -> Int {
    var mixed = count
    for step in 0..<count { mixed = mixed &* 31 &+ step }
    return mixed
}
