/// A first-in first-out queue on a growable ring buffer: amortized O(1) `append` and `popFirst`, no
/// allocation once it has grown to the pool's working size.
///
/// Every entry appended gets a *ticket*: the queue's lane (see ``WorkLanes``) in its top two bits, and
/// below them its number in the order of appends (wrapping at 2³⁰). The entry numbered *n* sits
/// `n - headSequence` places behind the head, whatever the ring has done since, so
/// ``remove(task:ticket:)`` finds a task in O(1).
struct WorkQueue {
    private var slots: ContiguousArray<WorkItem?> = []
    private var head = 0
    private(set) var count = 0
    /// The number of the entry at `head`, below ``sequenceMask``.
    private var headSequence: UInt32 = 0
    /// The lane's tag, in the top two bits of every ticket of this queue (last: never written).
    private let laneTag: UInt32

    /// The bits of a ticket that number the entry.
    static let sequenceMask: UInt32 = (1 << 30) - 1

    /// A queue whose tickets carry `lane` (0...3).
    init(lane: UInt32 = 0) {
        laneTag = lane << 30
    }

    var isEmpty: Bool { count == 0 }

    /// The ticket the next appended entry gets.
    var nextTicket: UInt32 {
        laneTag | ((headSequence &+ UInt32(truncatingIfNeeded: count)) & Self.sequenceMask)
    }

    mutating func append(_ item: consuming WorkItem) {
        if count == slots.count { grow() }
        slots[(head + count) & (slots.count - 1)] = item
        count += 1
    }

    mutating func popFirst() -> WorkItem? {
        while count > 0 {
            let item = slots[head].take()  // moved out, not copied: no retain and release per task
            head = (head + 1) & (slots.count - 1)
            headSequence = (headSequence &+ 1) & Self.sequenceMask
            count -= 1
            if let item { return item }  // skip entries removed by `remove(task:ticket:)`
        }
        return nil
    }

    /// Removes and returns the first entry if it is a submitted task; leaves a runtime job where it is.
    mutating func popFirstTask() -> QueuedTask? {
        // Moved out and, if it is a job, moved back: looking at the entry in place would copy it, retaining
        // the future, whose cache line another thread may be writing.
        guard let item = popFirst() else { return nil }
        switch consume item {
        case .task(let task):
            return task
        case .job(let job):
            head = (head - 1) & (slots.count - 1)
            headSequence = (headSequence &- 1) & Self.sequenceMask
            slots[head] = .job(job)
            count += 1
            return nil
        }
    }

    /// Removes every entry and returns them in order.
    mutating func removeAll() -> [WorkItem] {
        var items: [WorkItem] = []
        items.reserveCapacity(count)
        while let item = popFirst() { items.append(item) }
        return items
    }

    /// Removes the submitted tasks and returns them in order; the runtime's jobs stay, in order.
    mutating func removeAllTasks(into tasks: inout [QueuedTask]) {
        for item in removeAll() {
            switch item {
            case .task(let task): tasks.append(task)
            case .job: append(item)
            }
        }
    }

    /// Removes the entry for `task` if it waits in the queue under `ticket` (the ``nextTicket`` it was
    /// appended with). Returns `false` if it does not: it was taken, or the ticket is not this queue's.
    ///
    /// - Complexity: O(1).
    mutating func remove(task: AnyObject, ticket: UInt32) -> Bool {
        OperationCounters.countQueueEntriesExamined()
        guard ticket & ~Self.sequenceMask == laneTag else { return false }
        let offset = Int((ticket &- headSequence) & Self.sequenceMask)
        guard offset < count else { return false }
        let index = (head + offset) & (slots.count - 1)
        guard case .task(let queued)? = slots[index], queued.object === task else { return false }
        slots[index] = nil  // left as a hole; `popFirst` skips it and `count` still counts it
        return true
    }

    private mutating func grow() {
        let newCapacity = Swift.max(16, slots.count * 2)
        var newSlots = ContiguousArray<WorkItem?>(repeating: nil, count: newCapacity)
        for offset in 0..<count {
            newSlots[offset] = slots[(head + offset) & (slots.count - 1)].take()
        }
        slots = newSlots
        head = 0
    }
}
