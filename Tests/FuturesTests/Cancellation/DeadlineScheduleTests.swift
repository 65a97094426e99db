import Testing

@testable import Futures

/// The timer's state machine, event by event: when the one timer thread is started or woken, and that
/// its heap fires every armed entry, earliest first, and none that was disarmed.
@Suite("Deadline schedule")
struct DeadlineScheduleTests {
    private let fired = Recorder<UInt64>()

    private func entry(_ nanoseconds: UInt64) -> DeadlineEntry { DeadlineEntry(nanoseconds: nanoseconds) }

    /// Records the instant of the entry it was armed with when fired.
    private final class Probe: DeadlineTarget {
        let fired: Recorder<UInt64>
        let nanoseconds: UInt64
        init(_ fired: Recorder<UInt64>, _ nanoseconds: UInt64) {
            self.fired = fired
            self.nanoseconds = nanoseconds
        }
        func deadlinePassed(_ error: DeadlineExceededError) { fired.append(nanoseconds) }
    }

    private func arm(_ schedule: inout DeadlineSchedule, _ entry: DeadlineEntry) -> DeadlineSchedule.ArmAction {
        schedule.arm(entry, on: Probe(fired, entry.nanoseconds))
    }

    private func fire(_ due: [(any DeadlineTarget, DeadlineEntry)]) {
        for (target, entry) in due { DeadlineEntry.fire(target, entry) }
    }

    /// What the timer thread would fire and until when it would sleep; `nil` if it would end.
    private func wake(
        _ schedule: inout DeadlineSchedule, at now: UInt64
    ) -> (due: [(any DeadlineTarget, DeadlineEntry)], sleepUntil: UInt64)? {
        guard case .fire(let due, let sleepUntil) = schedule.timerWoke(now: now) else { return nil }
        return (due, sleepUntil)
    }

    @Test func theFirstDeadlineStartsTheTimerAndAnEarlierOneWakesIt() throws {
        var schedule = DeadlineSchedule()
        #expect(arm(&schedule, entry(100)) == .startTimer)
        #expect(arm(&schedule, entry(50)) == .none, "the starting timer reads the heap when it runs")
        let first = try #require(wake(&schedule, at: 10))
        #expect(first.due.isEmpty)
        #expect(first.sleepUntil == 50)
        #expect(arm(&schedule, entry(70)) == .none, "after what the timer sleeps until")
        #expect(arm(&schedule, entry(20)) == .wakeTimer, "before it")
        #expect(arm(&schedule, entry(15)) == .none, "woken already")
        let second = try #require(wake(&schedule, at: 60))
        fire(second.due)
        #expect(fired.values == [15, 20, 50])
        #expect(second.sleepUntil == 70)
        #expect(schedule.heap.count == 2)
    }

    @Test func aDisarmedEntryNeverFiresNorStaysInTheHeap() throws {
        var schedule = DeadlineSchedule()
        let kept = entry(30)
        let dropped = entry(20)
        _ = arm(&schedule, kept)
        _ = arm(&schedule, dropped)
        schedule.disarm(dropped)
        #expect(schedule.heap.count == 1)
        #expect(dropped.heapIndex == DeadlineEntry.notInHeap && dropped.target == nil)
        fire(try #require(wake(&schedule, at: 100)).due)
        #expect(fired.values == [30])
        #expect(schedule.heap.isEmpty)
    }

    @Test func anEntryDisarmedBeforeItIsArmedIsNotArmed() {
        var schedule = DeadlineSchedule()
        let early = entry(10)
        schedule.disarm(early)  // its work ended before the submitter armed it
        #expect(arm(&schedule, early) == .none)
        #expect(schedule.heap.isEmpty)
        #expect(schedule.thread == .notStarted)
    }

    @Test func aTimerThatDidNotStartHandsBackEveryEntryAndIsStartedAgain() {
        var schedule = DeadlineSchedule()
        #expect(arm(&schedule, entry(10)) == .startTimer)
        _ = arm(&schedule, entry(5))
        let handedBack = schedule.timerDidNotStart()
        #expect(handedBack.map(\.nanoseconds).sorted() == [5, 10])
        #expect(handedBack.allSatisfy { $0.heapIndex == DeadlineEntry.notInHeap && $0.target != nil })
        #expect(schedule.heap.isEmpty)
        #expect(arm(&schedule, entry(7)) == .startTimer)
    }

    /// The heap under many arms and disarms in random order: what fires is every entry not disarmed, in
    /// order of its instant; each entry's index is its place.
    @Test(arguments: [1, 10, 1_000])
    func theHeapFiresEveryArmedEntryInOrder(count: Int) throws {
        var generator = SeededRandom(seed: UInt64(count))
        var schedule = DeadlineSchedule()
        let entries = (0..<count).map { _ in entry(generator.next() % 10_000) }
        for entry in entries { _ = arm(&schedule, entry) }
        var kept: [UInt64] = []
        for entry in entries {
            if generator.next() % 3 == 0 { schedule.disarm(entry) } else { kept.append(entry.nanoseconds) }
        }
        #expect(schedule.heap.enumerated().allSatisfy { $0.element.heapIndex == $0.offset })
        fire(try #require(wake(&schedule, at: 5_000)).due)
        fire(try #require(wake(&schedule, at: 10_000)).due)
        #expect(fired.values == kept.sorted())
        #expect(schedule.heap.isEmpty)
    }

    /// With nothing armed for `idleExit`, the timer thread ends, and the next arm starts another: a process
    /// that stops using deadlines keeps no thread for them. An entry armed while it waits keeps it.
    @Test func theTimerEndsAfterItsIdleWaitAndTheNextArmStartsItAgain() throws {
        var schedule = DeadlineSchedule()
        let idle = DeadlineSchedule.idleExit
        #expect(arm(&schedule, entry(10)) == .startTimer)
        let first = try #require(wake(&schedule, at: 20))
        fire(first.due)
        #expect(fired.values == [10])
        let waiting = try #require(wake(&schedule, at: first.sleepUntil))
        #expect(waiting.due.isEmpty)
        #expect(waiting.sleepUntil == first.sleepUntil + idle, "waits once for the idle time")
        #expect(wake(&schedule, at: waiting.sleepUntil - 1) != nil, "a wake-up before it changes nothing")
        // An entry armed during the idle wait (after it) keeps the thread.
        #expect(arm(&schedule, entry(waiting.sleepUntil + 5)) == .none)
        let kept = try #require(wake(&schedule, at: waiting.sleepUntil))
        #expect(kept.sleepUntil == waiting.sleepUntil + 5)
        fire(try #require(wake(&schedule, at: kept.sleepUntil)).due)
        // Nothing armed again: after a full idle wait the thread ends.
        let again = try #require(wake(&schedule, at: kept.sleepUntil))
        let ends = schedule.timerWoke(now: again.sleepUntil)
        guard case .exit = ends else { Issue.record("the thread ends"); return }
        #expect(schedule.thread == .notStarted)
        #expect(arm(&schedule, entry(again.sleepUntil + 100)) == .startTimer)
    }
}
