/// The lane of a ``ThreadPoolExecutor``'s queue a task waits in: a pool that serves interactive and batch
/// work starts the urgent tasks first without a full priority queue.
///
/// ```swift
/// let thumbnail = try pool.submit(priority: .high) { try renderThumbnail(photo) }
/// let archive = try pool.submit(priority: .background) { try compress(folder) }
/// ```
///
/// A free worker takes the oldest task of the highest lane that has one: first in, first out within a
/// lane. No lane starves: a lane with tasks waiting is passed over at most
/// ``ThreadPoolExecutor/lanePassLimit`` times in a row for the lanes above it, then its oldest task goes
/// next. Tasks submitted without a priority, and the maps, use ``normal``. Jobs of Swift tasks that run on
/// the pool (as a `TaskExecutor`) go to the lane of their task's priority (see ``init(_:)``).
///
/// The lane decides only which waiting task starts next: it does not change the thread's scheduling
/// priority, and a running task is never interrupted for a higher one.
public enum WorkPriority: Sendable, Hashable, CaseIterable {
    /// Started before every waiting ``normal`` and ``background`` task (up to the starvation bound).
    case high
    /// The default lane.
    case normal
    /// Started when no ``high`` or ``normal`` task waits (up to the starvation bound).
    case background

    /// The lane for work of a Swift task with `priority`: `.high` and `.userInitiated` go to ``high``,
    /// `.medium` to ``normal``, and `.low`, `.utility` and `.background` to ``background``.
    ///
    /// - Parameter priority: the task's priority.
    public init(_ priority: TaskPriority) {
        if priority >= .high {
            self = .high
        } else if priority >= .medium {
            self = .normal
        } else {
            self = .background
        }
    }

    /// The lane for a job of the Swift runtime: that of its task's priority, ``normal`` if it has none.
    init(job priority: JobPriority) {
        guard priority.rawValue != 0 else {
            self = .normal
            return
        }
        self.init(TaskPriority(rawValue: priority.rawValue))
    }
}
