import Synchronization
import Testing

@testable import Futures

/// Deadlines on `submit` and `run`: work not started by its deadline never runs and its waiters see
/// ``DeadlineExceededError`` at the deadline; work running at the deadline is asked to stop.
@Suite("Deadlines")
struct DeadlineTests {
    @Test func queuedWorkFailsAtItsDeadlineWhileEveryWorkerIsBusy() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let release = Gate()
        let blocker = try pool.submit { release.wait() }
        let ran = Counter()
        let deadline = ContinuousClock.now + .milliseconds(50)
        let late = try pool.submit(deadline: deadline) { ran.increment() }
        // The worker is held until after the deadline: only the timer can end the future.
        #expect(throws: DeadlineExceededError(deadline: deadline)) { try late.result(timeout: .seconds(30)) }
        #expect(ContinuousClock.now >= deadline)
        #expect(late.state == .finished)
        #expect(late.isCancellationRequested)
        release.open()
        _ = try blocker.result()
        pool.shutdown(wait: true)
        #expect(ran.count == 0)
        let statistics = pool.statistics
        #expect(statistics.cancelled == 1)
        #expect(statistics.submitted == statistics.completed + statistics.failed + statistics.cancelled)
    }

    /// The one timer thread sleeps until the earliest deadline: one armed later must wake it (without the
    /// wake-up, this future would fail only after the first one's minute).
    @Test func anEarlierDeadlineWakesTheTimerSleepingForALaterOne() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let release = Gate()
        let blocker = try pool.submit { release.wait() }
        let far = try pool.submit(deadline: .now + .seconds(60)) { 1 }
        let near = try pool.submit(deadline: .now + .milliseconds(50)) { 2 }
        #expect(throws: DeadlineExceededError.self) { try near.result(timeout: .seconds(30)) }
        #expect(!far.isDone)
        release.open()
        _ = try blocker.result()
        #expect(try far.result() == 1)
        pool.shutdown(wait: true)
    }

    /// Work that ends disarms its deadline, so the timer holds nothing for it (a far deadline on many
    /// short tasks would otherwise keep an entry per task alive until its instant).
    @Test func workThatEndsDisarmsItsDeadline() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let deadline = ContinuousClock.now + .seconds(600)
        let entry = DeadlineEntry(at: deadline)
        let future = try pool.submit(ThreadPoolExecutor.refusingToStartAfter(deadline, disarming: entry) { 7 })
        DeadlineTimer.arm(entry, on: future)
        #expect(try future.result() == 7)
        let (inHeap, disarmed) = DeadlineTimer.inspect(entry)
        #expect(!inHeap && disarmed)
    }

    @Test func aDeadlineAlreadyPassedFailsTheFutureBeforeSubmitReturns() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let release = Gate()
        let blocker = try pool.submit { release.wait() }
        let future = try pool.submit(deadline: .now - .seconds(1)) { 1 }
        #expect(future.isDone)
        #expect(throws: DeadlineExceededError.self) { try future.result(timeout: .zero) }
        release.open()
        _ = try blocker.result()
    }

    @Test func workRunningAtItsDeadlineIsAskedToStopAndEndsAsItChooses() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let future = try pool.submit(deadline: .now + .milliseconds(50)) {
            let asked = Gate()
            _ = CurrentWork.withCancellationHandler {
                asked.wait()
            } onCancel: {
                asked.open()
            }
            return "finished anyway"
        }
        #expect(try future.result() == "finished anyway")
        #expect(future.isCancellationRequested)
    }

    @Test func workStartedInTimeIsNotDisturbed() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let future = try pool.submit(deadline: .now + .seconds(60), priority: .high) {
            CurrentWork.isCancellationRequested
        }
        #expect(try future.result() == false)
        #expect(!future.isCancellationRequested)
    }

    @Test func aWorkerThatReachesTheTaskAfterItsDeadlineDoesNotRunTheWork() {
        let ran = Counter()
        let deadline = ContinuousClock.now - .milliseconds(1)
        let guarded = ThreadPoolExecutor.refusingToStartAfter(deadline) { ran.increment() }
        #expect(throws: DeadlineExceededError(deadline: deadline)) { try guarded() }
        #expect(ran.count == 0)
    }

    @Test func runWithADeadlineThrowsTheDeadlineErrorWhenNoWorkerIsFree() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let release = Gate()
        let blocker = try pool.submit { release.wait() }
        let ran = Counter()
        await #expect(throws: DeadlineExceededError.self) {
            try await pool.run(deadline: .now + .milliseconds(50)) { ran.increment() }
        }
        release.open()
        _ = try await blocker.value
        await pool.shutdown()
        #expect(ran.count == 0)
    }

    @Test func aMissedDeadlineIsNotReportedAsAnUnreadError() throws {
        let reported = Counter()
        var configuration = ThreadPoolConfiguration()
        configuration.hooks.unretrievedError = { _ in reported.increment() }
        let pool = ThreadPoolExecutor(maxWorkers: 1, configuration: configuration)
        let release = Gate()
        let blocker = try pool.submit { release.wait() }
        _ = try pool.submit(deadline: .now - .seconds(1)) { 1 }  // dropped at once
        release.open()
        _ = try blocker.result()
        pool.shutdown(wait: true)
        #expect(reported.count == 0)
    }
}
