/// One entry of a pool's queue.
@usableFromInline
enum WorkItem: @unchecked Sendable {  // UnownedJob: a job reference the runtime hands to exactly one runner
    case task(QueuedTask)
    case job(UnownedJob)
}
