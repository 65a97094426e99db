/// A submitted task in a pool's queue: the future that holds the work, and a handler that runs, cancels
/// or fails it.
///
/// The handler is made where `submit` is specialized for the future's value type (it is `@inlinable`), so
/// a worker runs code specialized for the future instead of generic code that looks up type metadata at
/// run time; it captures nothing, so making it allocates nothing.
@usableFromInline
struct QueuedTask: Sendable {
    @usableFromInline
    enum Command {
        case run
        /// Shutdown with `cancelFutures`.
        case cancel
        /// A broken pool.
        case fail(any Error)
        /// Remember where the task waits in the queue (``WorkQueue/nextTicket``), so that a worker waiting
        /// for it can find it in O(1).
        case noteTicket(UInt32)
    }

    /// Carries out a command on the object. For `.run`, calls `beforeCompleting` with how the task ended
    /// after the work returned and before the future is completed (see ``runQueued(beforeCompleting:)``).
    @usableFromInline
    typealias Handler = @Sendable (AnyObject, Command, _ beforeCompleting: (QueuedTaskOutcome) -> Void) -> Void

    @usableFromInline let object: any AnyObject & Sendable
    @usableFromInline let handler: Handler

    @inlinable
    init(_ object: some AnyObject & Sendable, handler: @escaping Handler) {
        self.object = object
        self.handler = handler
    }

    /// Claims and runs the work, unless it was cancelled or claimed elsewhere. `beforeCompleting` runs
    /// once the work has returned (at once if there is nothing to run), before anyone can see the future
    /// done: a worker takes its next task or goes on the idle list there, so a caller that submits again
    /// as soon as `result()` returns finds it idle instead of starting another thread.
    func runQueued(beforeCompleting: (QueuedTaskOutcome) -> Void) {
        handler(object, .run, beforeCompleting)
    }

    /// Claims and runs the work; returns how it ended.
    @discardableResult
    func runQueued() -> QueuedTaskOutcome {
        var outcome = QueuedTaskOutcome.notRun
        runQueued { outcome = $0 }
        return outcome
    }

    /// Cancels the work if it has not started.
    func cancelQueued() { handler(object, .cancel, { _ in }) }

    /// Fails the work if it has not started.
    func failQueued(_ error: any Error) { handler(object, .fail(error), { _ in }) }

    /// Tells the future where it will wait in its pool's queue. Called with the pool's lock held, just
    /// before the task is queued; harmless if it is then not queued (a full queue, a shut-down pool).
    func noteTicket(_ ticket: UInt32) { handler(object, .noteTicket(ticket), { _ in }) }
}

/// How a queued task ended, for the pool's statistics.
@usableFromInline
enum QueuedTaskOutcome {
    case succeeded
    case failed
    /// It was cancelled before it started.
    case cancelled
    /// Someone else claimed or completed it (a user's `setRunningOrNotifyCancel` on a pool's future).
    case notRun
}

/// One entry of a pool's queue.
@usableFromInline
enum WorkItem: @unchecked Sendable {  // UnownedJob is a plain job reference that the runtime hands over to exactly one runner
    case task(QueuedTask)
    case job(UnownedJob)
}

/// A first-in first-out queue on a growable ring buffer: amortized O(1) `append` and `popFirst`, no
/// allocation once it has grown to the pool's working size.
///
/// Every entry appended gets a *ticket*, its number in the order of appends (wrapping at 2³²): the entry
/// with ticket *t* sits `t - headTicket` places behind the head, whatever the ring has done since, so
/// ``remove(task:ticket:)`` finds a task in O(1).
struct WorkQueue {
    private var slots: ContiguousArray<WorkItem?> = []
    private var head = 0
    private(set) var count = 0
    /// The ticket of the entry at `head`.
    private var headTicket: UInt32 = 0

    var isEmpty: Bool { count == 0 }

    /// The ticket the next appended entry gets.
    var nextTicket: UInt32 { headTicket &+ UInt32(truncatingIfNeeded: count) }

    mutating func append(_ item: consuming WorkItem) {
        if count == slots.count { grow() }
        slots[(head + count) & (slots.count - 1)] = item
        count += 1
    }

    mutating func popFirst() -> WorkItem? {
        while count > 0 {
            let item = slots[head].take()  // moved out, not copied: no retain and release per task
            head = (head + 1) & (slots.count - 1)
            headTicket &+= 1
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
            headTicket &-= 1
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

    /// Removes the entry for `task` if it waits in the queue under `ticket` (the ``nextTicket`` it was
    /// appended with). Returns `false` if it does not: it was taken, or the ticket is not this queue's.
    ///
    /// - Complexity: O(1).
    mutating func remove(task: AnyObject, ticket: UInt32) -> Bool {
        OperationCounters.countQueueEntriesExamined()
        let offset = Int(ticket &- headTicket)
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
