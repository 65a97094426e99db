/// The deadlines armed in this process and the state of the one timer thread that fires them: a pure
/// state machine, kept under ``DeadlineTimer``'s lock. Each event returns what to do once the lock is
/// released.
///
/// The armed entries form a binary min-heap by instant, each entry knowing its place, so arming and
/// disarming cost O(log *n*) for *n* armed deadlines and the timer finds the earliest in O(1). Work that
/// ends before its deadline disarms its entry, so the heap holds only deadlines still to come for work not
/// yet done (and, until their instant, those of futures cancelled before they started).
struct DeadlineSchedule {
    /// The timer thread's life.
    enum TimerThread: Equatable {
        /// Never started, or its start failed: the next arm starts it.
        case notStarted
        /// Being started: it reads the heap when it first runs.
        case starting
        /// Running: asleep until `wakeAt` unless `awake`.
        case running
    }

    /// What the timer thread does after ``timerWoke(now:)``.
    enum TimerStep {
        /// Fire these (earliest first, each with its target), then sleep until `sleepUntil` or a wake-up.
        case fire([(any DeadlineTarget, DeadlineEntry)], sleepUntil: UInt64)
        /// Nothing has been armed for ``idleExit``: the thread ends (the next arm starts another).
        case exit
    }

    /// How long the timer thread waits with nothing armed before it ends, in nanoseconds: a process that
    /// stops using deadlines keeps no thread for them.
    static let idleExit: UInt64 = 2_000_000_000

    /// What ``arm(_:)`` asks of the caller, after the lock.
    enum ArmAction: Equatable {
        /// Nothing: the timer will wake in time.
        case none
        /// Wake the timer thread: this deadline comes before the one it sleeps until.
        case wakeTimer
        /// Start the timer thread (the first deadline, or the first since a start failed).
        case startTimer
    }

    private(set) var heap: [DeadlineEntry] = []
    private(set) var thread = TimerThread.notStarted
    /// When the sleeping timer wakes by itself.
    private(set) var wakeAt: UInt64?
    /// Set while nothing is armed: when the timer thread ends if nothing is armed by then.
    private(set) var idleUntil: UInt64?
    /// Set from a wake-up until the timer has looked at the heap again: no other wake-up is needed.
    private(set) var awake = false

    /// Arms `entry`, to fire on `target` at its instant; an entry disarmed already is left alone.
    mutating func arm(_ entry: DeadlineEntry, on target: any DeadlineTarget) -> ArmAction {
        guard !entry.disarmed else { return .none }
        entry.target = target
        insert(entry)
        switch thread {
        case .notStarted:
            thread = .starting
            return .startTimer
        case .starting:
            return .none
        case .running:
            if awake { return .none }
            if let wakeAt, wakeAt <= entry.nanoseconds { return .none }
            awake = true
            return .wakeTimer
        }
    }

    /// Disarms `entry`: it will not fire. Its work ended, or it was fired already.
    mutating func disarm(_ entry: DeadlineEntry) {
        entry.disarmed = true
        entry.target = nil
        if entry.heapIndex != DeadlineEntry.notInHeap { remove(at: entry.heapIndex) }
    }

    /// The timer thread woke at `now`: returns what to fire (the entries whose instant has come, earliest
    /// first, each with its target) and when to wake next, or that the thread ends, having had nothing
    /// armed for ``idleExit``.
    mutating func timerWoke(now: UInt64) -> TimerStep {
        thread = .running
        awake = false
        if heap.isEmpty {
            if let idleUntil, now >= idleUntil {
                thread = .notStarted
                self.idleUntil = nil
                wakeAt = nil
                return .exit
            }
            let idleUntil = self.idleUntil ?? now &+ Self.idleExit
            self.idleUntil = idleUntil
            wakeAt = idleUntil
            return .fire([], sleepUntil: idleUntil)
        }
        idleUntil = nil
        var due: [(any DeadlineTarget, DeadlineEntry)] = []
        while let first = heap.first, first.nanoseconds <= now {
            remove(at: 0)
            if let target = first.target { due.append((target, first)) }
            first.target = nil
            first.disarmed = true
        }
        // With the heap emptied, wake at once to start the idle wait (a spurious-looking wake-up, once).
        let next = heap.first?.nanoseconds ?? now
        wakeAt = next
        return .fire(due, sleepUntil: next)
    }

    /// The timer thread could not start: every armed entry is handed back, to be fired another way, and the
    /// next arm tries to start the thread again.
    mutating func timerDidNotStart() -> [DeadlineEntry] {
        thread = .notStarted
        let entries = heap
        heap = []
        for entry in entries { entry.heapIndex = DeadlineEntry.notInHeap }
        return entries
    }

    // MARK: The heap

    private mutating func insert(_ entry: DeadlineEntry) {
        entry.heapIndex = heap.count
        heap.append(entry)
        siftUp(heap.count - 1)
    }

    private mutating func remove(at index: Int) {
        let removed = heap[index]
        let last = heap.removeLast()
        removed.heapIndex = DeadlineEntry.notInHeap
        guard index < heap.count else { return }
        heap[index] = last
        last.heapIndex = index
        siftDown(index)
        siftUp(index)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].nanoseconds < heap[parent].nanoseconds else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let child = right < heap.count && heap[right].nanoseconds < heap[left].nanoseconds ? right : left
            guard heap[child].nanoseconds < heap[parent].nanoseconds else { return }
            swapAt(child, parent)
            parent = child
        }
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        heap.swapAt(i, j)
        heap[i].heapIndex = i
        heap[j].heapIndex = j
    }
}
