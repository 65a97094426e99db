import Foundation
import Synchronization
import Testing

@testable import Futures

/// Stress on what looks across the workers' runs of tasks while they change: submitters that keep the
/// queue long (so workers take runs and steal from each other), tasks that wait for a task of their own
/// pool that may sit in another worker's run (so a waiting worker searches the runs), a thread that reads
/// ``ThreadPoolExecutor/statistics`` all along (which holds every run while it reads the pool), and a
/// `shutdown(cancelFutures: true)` that takes the runs back while all this goes on. Bounded in count
/// (about 77,000 tasks per configuration) and by a time limit on the whole test.
///
/// Checked: no deadlock between the pool's lock, the runs' locks and the list of runs (the test ends);
/// every statistics snapshot agrees with itself; every future ends exactly once, finished with its own
/// value or cancelled; after the shutdown, `submitted == completed + failed + cancelled`.
extension Reliability {
    @Suite("Runs stress", .serialized)
    struct RunsStressTests {
        @Test(.timeLimit(.minutes(2)), arguments: [2, 4])
        func runsStealsStatisticsAndACancellingShutdownRace(workers: Int) throws {
            let pool = ThreadPoolExecutor(maxWorkers: workers, threadNamePrefix: uniquePrefix("rs"))
            // `Locked`, not `Mutex`: the thread sanitizer does not see `Mutex`'s futex on Linux.
            let submitted = Locked<[(Int, Future<Int>)]>([])
            let stop = Atomic<Bool>(false)
            let snapshotProblems = Locked<[String]>([])
            // Submitter 1 queues `bursts` bursts of 64 tasks, faster than the workers run them; submitter 0
            // queues twice as many, so it is still submitting when the pool is shut down.
            let bursts = 400
            let submitters = ThreadGroup()
            let firstDone = Gate()
            submitters.start(2, namePrefix: uniquePrefix("rsd")) { submitter in
                defer { if submitter == 1 { firstDone.open() } }
                var next = submitter * 1_000_000_000
                for _ in 0..<(submitter == 0 ? 2 * bursts : bursts) {
                    var burst: [(Int, Future<Int>)] = []
                    do {
                        for index in 0..<64 {
                            let value = next
                            next += 1
                            if index % 16 == 15, let (_, earlier) = burst.last {
                                // Waits for the task queued just before it: not started yet, it may sit in
                                // another worker's run, where the waiting worker finds it and runs it.
                                burst.append(
                                    (value, try pool.submit { try earlier.result() &- earlier.result() &+ value }))
                            } else {
                                burst.append((value, try pool.submit { busyValue(value) }))
                            }
                        }
                    } catch {
                        submitted.withLock { $0 += burst }  // the part of the burst the pool took
                        return  // shut down
                    }
                    submitted.withLock { $0 += burst }
                }
            }
            // A reader takes statistics snapshots all along, while runs are taken, stolen, searched and
            // taken back.
            let reader = ThreadGroup()
            reader.start(1, namePrefix: uniquePrefix("rsr")) { _ in
                while !stop.load(ordering: .relaxed) {
                    let statistics = pool.statistics
                    let counted = statistics.completed + statistics.failed + statistics.cancelled
                    if statistics.queued < 0 || statistics.busyThreads + statistics.idleThreads != statistics.threads
                        || counted > statistics.submitted || statistics.threads > workers
                    {
                        snapshotProblems.withLock { $0.append("\(statistics)") }
                    }
                }
            }
            #expect(firstDone.wait(timeout: .seconds(60)), "submitter 1 finished")
            pool.shutdown(wait: false, cancelFutures: true)  // while submitter 0 still submits
            #expect(submitters.join(timeout: .seconds(60)), "every submitter returned")
            pool.shutdown(wait: true)
            stop.store(true, ordering: .relaxed)
            #expect(reader.join(timeout: .seconds(60)), "the reader returned")
            let futures = submitted.withLock { $0 }
            #expect(futures.count > 0)
            var cancelled = 0
            var wrong = 0
            for (value, future) in futures {
                let state = future.state
                if state == .cancelled {
                    cancelled += 1
                } else if state != .finished || (try? future.result()) != value {
                    wrong += 1
                }
            }
            #expect(wrong == 0, "every future is done, finished with its own value or cancelled")
            let statistics = pool.statistics
            #expect(statistics.submitted == statistics.completed + statistics.failed + statistics.cancelled)
            #expect(statistics.cancelled == cancelled, "every cancelled future counted once")
            #expect(statistics.failed == 0)
            let problems = snapshotProblems.withLock { $0 }
            #expect(problems.isEmpty, "inconsistent snapshots: \(problems.prefix(5))")
        }
    }
}

/// `value`, after a few microseconds of work: slow enough that the queue grows long and workers take
/// runs of it, fast enough that a run of the test submits many.
private func busyValue(_ value: Int) -> Int {
    var mixed = value
    for step in 0..<3_000 { mixed = mixed &* 31 &+ step }
    return mixed == 42 ? value &+ 0 : value  // uses the loop's result, so it is not optimized away
}
