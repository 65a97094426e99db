/// The pool's queue: one first-in first-out ``WorkQueue`` per ``WorkPriority`` lane, and the rule that
/// picks the lane each entry is taken from. A plain value, kept by ``PoolStateMachine``.
///
/// An entry is taken from the highest lane that has one, except that a lane with entries waiting that has
/// been passed over ``passLimit`` times in a row for higher lanes goes next: so no lane starves, and a
/// lane's oldest entry waits behind at most `passLimit + 1` entries of the other lanes (the one more when
/// both lower lanes reach the limit together, and the middle one goes first).
///
/// With only the ``WorkPriority/normal`` lane in use (no priority given anywhere), taking an entry costs
/// two more empty checks than a single queue.
struct WorkLanes {
    // The normal lane first: `PoolStateMachine` keeps the fields written for every task on the pool lock's
    // cache lines, and with one lane in use these are the normal lane's.
    private var normal = WorkQueue(lane: 1)
    private var high = WorkQueue(lane: 0)
    private var background = WorkQueue(lane: 2)
    /// Entries taken from higher lanes in a row while the lane had entries waiting.
    private var normalPassedOver = 0
    private var backgroundPassedOver = 0

    /// How many times in a row a lane with entries waiting is passed over before its oldest goes next.
    static let passLimit = 16

    /// Entries in all lanes (counting the holes that ``remove(task:ticket:)`` leaves until they reach the
    /// head).
    var count: Int { high.count + normal.count + background.count }

    var isEmpty: Bool { high.isEmpty && normal.isEmpty && background.isEmpty }

    /// The ticket the next entry appended to `lane` gets.
    func nextTicket(for lane: WorkPriority) -> UInt32 {
        switch lane {
        case .high: high.nextTicket
        case .normal: normal.nextTicket
        case .background: background.nextTicket
        }
    }

    mutating func append(_ item: consuming WorkItem, to lane: WorkPriority) {
        switch lane {
        case .high:
            high.append(item)
        case .normal:
            if normal.isEmpty { normalPassedOver = 0 }
            normal.append(item)
        case .background:
            if background.isEmpty { backgroundPassedOver = 0 }
            background.append(item)
        }
    }

    /// Takes the next entry (see the type's rule) and says which lane it came from.
    mutating func popFirst() -> (item: WorkItem, lane: WorkPriority)? {
        if high.isEmpty, background.isEmpty {  // one lane in use: the common case
            guard let item = normal.popFirst() else { return nil }
            normalPassedOver = 0
            return (item, .normal)
        }
        // A starved lane first (the higher of two), then the highest lane with an entry.
        if normalPassedOver >= Self.passLimit, let item = pop(.normal) { return (item, .normal) }
        if backgroundPassedOver >= Self.passLimit, let item = pop(.background) { return (item, .background) }
        // Named one by one: `WorkPriority.allCases` would make an array per call.
        if let item = pop(.high) { return (item, .high) }
        if let item = pop(.normal) { return (item, .normal) }
        if let item = pop(.background) { return (item, .background) }
        return nil
    }

    /// Takes the oldest entry of `lane`, if it has one, and counts the lower lanes it passes over.
    private mutating func pop(_ lane: WorkPriority) -> WorkItem? {
        let item: WorkItem?
        switch lane {
        case .high: item = high.popFirst()
        case .normal: item = normal.popFirst()
        case .background: item = background.popFirst()
        }
        if item != nil { served(lane) }
        return item
    }

    /// An entry of `lane` was taken: the lower lanes with entries waiting were passed over once more.
    private mutating func served(_ lane: WorkPriority) {
        switch lane {
        case .high:
            if !normal.isEmpty { normalPassedOver += 1 }
            if !background.isEmpty { backgroundPassedOver += 1 }
        case .normal:
            normalPassedOver = 0
            if !background.isEmpty { backgroundPassedOver += 1 }
        case .background:
            backgroundPassedOver = 0
        }
    }

    /// Moves up to `count` tasks of `lane` into `run` after the entry just taken from it, if `lane` alone
    /// has entries and holds at least `minimum`: a run never holds a task back from a higher lane, nor
    /// passes over a lower one. Returns how many it moved.
    mutating func refill(_ run: inout TaskRun, from lane: WorkPriority, count: Int, ifAtLeast minimum: Int) -> Int {
        switch lane {
        case .normal:
            guard high.isEmpty, background.isEmpty, normal.count >= minimum else { return 0 }
            return run.refill(from: &normal, count: count)
        case .high:
            guard normal.isEmpty, background.isEmpty, high.count >= minimum else { return 0 }
            return run.refill(from: &high, count: count)
        case .background:
            guard high.isEmpty, normal.isEmpty, background.count >= minimum else { return 0 }
            return run.refill(from: &background, count: count)
        }
    }

    /// Removes the entry for `task` if it waits under `ticket` (whose top bits name its lane).
    ///
    /// - Complexity: O(1).
    mutating func remove(task: AnyObject, ticket: UInt32) -> Bool {
        switch ticket >> 30 {
        case 0: high.remove(task: task, ticket: ticket)
        case 1: normal.remove(task: task, ticket: ticket)
        case 2: background.remove(task: task, ticket: ticket)
        default: false
        }
    }

    /// Removes the submitted tasks of every lane, highest lane first, each in order; jobs stay.
    mutating func removeAllTasks() -> [QueuedTask] {
        var tasks: [QueuedTask] = []
        tasks.reserveCapacity(count)
        high.removeAllTasks(into: &tasks)
        normal.removeAllTasks(into: &tasks)
        background.removeAllTasks(into: &tasks)
        return tasks
    }
}
