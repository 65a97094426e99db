/// A worker's *run*: the tasks it took from the pool's queue in one trip through the pool's lock, in queue
/// order, not yet started. A plain value: ``PoolStateMachine`` fills it from its queue (see
/// ``PoolStateMachine/nextWork(for:wasParked:finished:run:)``), and the worker keeps it in its
/// ``TakenTasks``, under that object's lock.
///
/// A slot is `nil` where a task was taken out (stolen, cancelled, run by a waiting worker), so each task
/// leaves the run exactly once, whoever takes it.
struct TaskRun {
    /// `nil` where a task was taken out.
    private var tasks: [QueuedTask?] = []
    /// The index of the next task to run.
    private var nextIndex = 0

    init() {}

    /// Slots not yet passed, counting the holes: what ``unstartedCount`` examines.
    var unstartedSlots: Int { tasks.count - nextIndex }

    /// No task of the run is left to start.
    var isEmpty: Bool { unstartedCount == 0 }

    /// How many tasks of the run have not started.
    ///
    /// - Complexity: O(``PoolStateMachine/runLength``).
    var unstartedCount: Int {
        tasks[nextIndex...].reduce(0) { $0 + ($1 == nil ? 0 : 1) }
    }

    private mutating func reset() {
        tasks.removeAll(keepingCapacity: true)
        nextIndex = 0
    }

    /// Replaces the (finished) run with up to `count` tasks from the front of `queue`, stopping at a runtime
    /// job, which keeps its place. Returns how many it took.
    mutating func refill(from queue: inout WorkQueue, count: Int) -> Int {
        reset()
        while tasks.count < count, let task = queue.popFirstTask() {
            tasks.append(task)
        }
        return tasks.count
    }

    /// Replaces the (finished) run with `stolen`, the front of another worker's run.
    mutating func refill(with stolen: consuming [QueuedTask]) {
        reset()
        for task in stolen { tasks.append(task) }
    }

    /// The next task of the run, moved out; `nil` when the run is done.
    mutating func next() -> QueuedTask? {
        while nextIndex < tasks.count {
            defer { nextIndex += 1 }
            if let task = tasks[nextIndex].take() { return task }
        }
        return nil
    }

    /// Takes the front half (rounded up) of the tasks not yet started, for an idle worker to run.
    mutating func stealFront() -> [QueuedTask] {
        let end = nextIndex + (unstartedSlots + 1) / 2
        var stolen: [QueuedTask] = []
        while nextIndex < end {
            if let task = tasks[nextIndex].take() { stolen.append(task) }
            nextIndex += 1
        }
        return stolen
    }

    /// Takes out every task not yet started, in order.
    mutating func removeAll() -> [QueuedTask] {
        var rest: [QueuedTask] = []
        while let task = next() { rest.append(task) }
        reset()
        return rest
    }

    /// Takes `task` out if it has not started. Returns whether it was there.
    ///
    /// - Complexity: O(``PoolStateMachine/runLength``).
    mutating func remove(task: AnyObject) -> Bool {
        OperationCounters.countQueueEntriesExamined(unstartedSlots)
        guard let index = tasks[nextIndex...].firstIndex(where: { $0?.object === task }) else { return false }
        tasks[index] = nil
        return true
    }
}
