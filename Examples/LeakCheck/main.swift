// A short workload that touches every part of the pool, for `.ci/leaks.sh` to run under valgrind:
// submit, results and errors, cancel, callbacks, wait and asCompleted with and without timeouts, map,
// every kind of shutdown, a broken pool, a pool released without shutdown, WorkerLocal values on workers
// recycled by maxTasksPerWorker, shutdownNow and awaitTermination. Before exiting it waits
// for every worker thread to be gone, so that what valgrind reports is memory, not running threads.

import Foundation
import Futures
import Synchronization

struct LeakCheckError: Error {}

func threadCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
}

let baselineThreads = threadCount()

/// `LEAKCHECK_SELF_TEST=1`: leak on purpose (a future whose callback holds the future: a retain cycle),
/// so `.ci/leaks.sh` can prove that valgrind sees a leak.
final class Cycle: @unchecked Sendable {  // written once before it is shared
    var future: Future<Int>?
}
if ProcessInfo.processInfo.environment["LEAKCHECK_SELF_TEST"] != nil {
    let cycle = Cycle()
    let future = Future<Int>()
    future.addDoneCallback { _ in _ = cycle }
    cycle.future = future
}
let rounds = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 3
nonisolated(unsafe) var checks = 0  // only the main thread touches it

func check(_ condition: Bool, _ message: String) {
    checks += 1
    if !condition {
        FileHandle.standardError.write(Data("LeakCheck: \(message)\n".utf8))
        exit(2)
    }
}

/// Values alive now, for the WorkerLocal check.
final class LiveCount: Sendable {
    let value = Atomic<Int>(0)
}

final class Payload: Sendable {
    let bytes: [UInt8]
    init(_ count: Int) { bytes = [UInt8](repeating: 7, count: count) }
}

for round in 0..<rounds {
    // Submit, results, errors, callbacks.
    for workers in [1, 2, 4] {
        let pool = ThreadPoolExecutor(maxWorkers: workers, threadNamePrefix: "leak")
        var futures: [Future<Int>] = []
        for index in 0..<200 {
            let payload = Payload(64)
            let future = try pool.submit { () throws -> Int in
                if index % 7 == 0 { throw LeakCheckError() }
                return index + payload.bytes.count
            }
            future.addDoneCallback { done in _ = done.isDone }
            futures.append(future)
        }
        for (index, future) in futures.enumerated() {
            if index % 7 == 0 {
                check((try? future.error()) is LeakCheckError, "error")
            } else {
                check((try? future.result()) == index + 64, "result")
            }
        }
        let (done, _) = wait(futures, timeout: .seconds(30))
        check(done.count == futures.count, "wait")
        var seen = 0
        for _ in asCompleted(futures) { seen += 1 }
        check(seen == futures.count, "asCompleted")
        check((try? pool.map(0..<1000) { $0 * 2 })?.count == 1000, "map")
        check((try? pool.map(0..<10, timeout: .seconds(30), chunkSize: 3) { $0 }) == Array(0..<10), "map chunks")
        pool.shutdown()
    }

    // Cancel, timeouts, shutdown(cancelFutures:), nested waits.
    for (wait, cancelFutures) in [(true, true), (false, true), (true, false), (false, false)] {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let release = DispatchSemaphore(value: 0)
        let blocker = try pool.submit {
            release.wait(); return 0
        }
        let queued = try (0..<50).map { index in try pool.submit { Payload(index).bytes.count } }
        queued[0].cancel()
        check((try? queued[1].result(timeout: .milliseconds(1))) == nil, "timed out")
        _ = Futures.wait(queued, timeout: .milliseconds(1), returnWhen: .firstCompleted)
        var iterator = asCompleted(queued, timeout: .milliseconds(1)).makeIterator()
        check((try? iterator.next()) != nil, "asCompleted yields the cancelled future")
        let nested = try pool.submit { () throws -> Int in try pool.submit { 5 }.result() }
        if wait {
            Thread { release.signal() }.start()
        } else {
            release.signal()
        }
        pool.shutdown(wait: wait, cancelFutures: cancelFutures)
        _ = try? blocker.result()
        _ = Futures.wait(queued + [nested], timeout: .seconds(30))
    }

    // A broken pool.
    let broken = ThreadPoolExecutor(maxWorkers: 2) { throw LeakCheckError() }
    let failed = (0..<20).compactMap { index in try? broken.submit { Payload(index) } }
    _ = Futures.wait(failed, timeout: .seconds(30))
    check((try? broken.submit { 0 }) == nil, "broken pool refuses work")
    broken.shutdown()

    // A pool released without shutdown: its workers finish the queue and exit.
    var orphans: [Future<Int>] = []
    do {
        let dropped = ThreadPoolExecutor(maxWorkers: 3)
        orphans = try (0..<100).map { index in try dropped.submit { index } }
    }
    check(Futures.wait(orphans, timeout: .seconds(30)).notDone.isEmpty, "orphaned work ran")

    // The scoped form.
    let total = withThreadPoolExecutor(maxWorkers: 2) { pool in
        (try? pool.map(0..<100) { $0 })?.reduce(0, +) ?? -1
    }
    check(total == 4950, "scoped map")

    // Per-worker values, recycled workers, shutdownNow and awaitTermination: every value made is cleaned
    // up, every cancelled future released.
    let made = LiveCount()
    let local = WorkerLocal {
        made.value.add(1, ordering: .relaxed)
        return Payload(64)
    } cleanup: { _ in
        made.value.subtract(1, ordering: .relaxed)
    }
    let recycled = ThreadPoolExecutor(maxWorkers: 2, configuration: .init(maxTasksPerWorker: 5))
    let sizes = (try? recycled.map(0..<40, chunkSize: 1) { _ in try local.withValue { $0.bytes.count } }) ?? []
    check(sizes.count == 40, "map on recycled workers")
    // Both workers held by a task each (started, so not cancellable), then ten more queued behind them.
    let gate = DispatchSemaphore(value: 0)
    let started = DispatchSemaphore(value: 0)
    for _ in 0..<2 {
        _ = try? recycled.submit {
            started.signal()
            gate.wait()
        }
    }
    started.wait()
    started.wait()
    let queued = (0..<10).compactMap { index in try? recycled.submit { Payload(index) } }
    let cancelled = recycled.shutdownNow()
    check(queued.count == 10 && cancelled.count == queued.count, "shutdownNow returns the queued futures")
    gate.signal()
    gate.signal()
    check((try? recycled.awaitTermination(timeout: .seconds(30))) != nil, "terminated")
    check(made.value.load(ordering: .relaxed) == 0, "every WorkerLocal value cleaned up")
    print("round \(round) done")
}

// Let every worker thread exit before the process does.
let clock = ContinuousClock()
let deadline = clock.now + .seconds(60)
while threadCount() > baselineThreads && clock.now < deadline { sched_yield() }
check(threadCount() <= baselineThreads, "\(threadCount() - baselineThreads) threads still alive at exit")
print("LeakCheck: \(checks) checks passed, threads back to \(threadCount())")
