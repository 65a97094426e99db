/// One entry of a pool's queue.
@usableFromInline
enum WorkItem: @unchecked Sendable {  // UnownedJob is a plain job reference that the runtime hands over to exactly one runner
    case task(QueuedTask)
    case job(UnownedJob)
}
