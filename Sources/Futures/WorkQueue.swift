/// Work a pool can run: a submitted future, or a Swift concurrency job (the pool as a `TaskExecutor`).
protocol QueuedTask: AnyObject, Sendable {
    /// Claims and runs the work, unless it was cancelled or claimed elsewhere; says which, for the pool's
    /// statistics.
    @discardableResult func runQueued() -> QueuedTaskOutcome
    /// Cancels the work if it has not started (shutdown with `cancelFutures`).
    func cancelQueued()
    /// Fails the work if it has not started (a broken pool).
    func failQueued(_ error: any Error)
}

/// What ``QueuedTask/runQueued()`` did.
enum QueuedTaskOutcome {
    case succeeded
    case failed
    /// It was cancelled before it started.
    case cancelled
    /// Someone else claimed or completed it (a user's `setRunningOrNotifyCancel` on a pool's future).
    case notRun
}

/// One entry of a pool's queue.
enum WorkItem: @unchecked Sendable {  // UnownedJob is a plain job reference that the runtime hands over to exactly one runner
    case task(any QueuedTask)
    case job(UnownedJob)
}

/// A first-in first-out queue on a growable ring buffer: amortized O(1) `append` and `popFirst`, no
/// allocation once it has grown to the pool's working size.
struct WorkQueue {
    private var slots: ContiguousArray<WorkItem?> = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ item: WorkItem) {
        if count == slots.count { grow() }
        slots[(head + count) & (slots.count - 1)] = item
        count += 1
    }

    mutating func popFirst() -> WorkItem? {
        while count > 0 {
            let item = slots[head]
            slots[head] = nil
            head = (head + 1) & (slots.count - 1)
            count -= 1
            if let item { return item }  // skip entries removed by `remove(task:)`
        }
        return nil
    }

    /// Removes every entry and returns them in order.
    mutating func removeAll() -> [WorkItem] {
        var items: [WorkItem] = []
        items.reserveCapacity(count)
        while let item = popFirst() { items.append(item) }
        return items
    }

    /// Removes the entry for `task`, searching from the newest entry back (a task usually waits for work it
    /// has just submitted). Returns `false` if the task is not queued.
    ///
    /// - Complexity: O(*n*) in the number of queued entries.
    mutating func remove(task: AnyObject) -> Bool {
        var offset = count - 1
        while offset >= 0 {
            let index = (head + offset) & (slots.count - 1)
            if case .task(let queued)? = slots[index], queued === task {
                slots[index] = nil  // left as a hole; `popFirst` skips it and `count` still counts it
                return true
            }
            offset -= 1
        }
        return false
    }

    private mutating func grow() {
        let newCapacity = Swift.max(16, slots.count * 2)
        var newSlots = ContiguousArray<WorkItem?>(repeating: nil, count: newCapacity)
        for offset in 0..<count {
            newSlots[offset] = slots[(head + offset) & (slots.count - 1)]
        }
        slots = newSlots
        head = 0
    }
}
