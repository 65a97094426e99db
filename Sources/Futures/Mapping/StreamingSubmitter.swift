/// How a streaming map submits its tasks: the executor's `submit`, wrapped where the public call is
/// inlined, so that it is specialized for the executor and the value type (no existential call and no
/// unspecialized generic code per item).
@usableFromInline
struct StreamingSubmitter<T: Sendable>: Sendable {
    @usableFromInline let submit: @Sendable (@escaping @Sendable () throws -> T) throws -> Future<T>

    @inlinable
    init<E: Executor>(_ executor: E) {
        submit = { work in try executor.submit(work) }
    }

    /// For the streaming maps: on a ``ThreadPoolExecutor``, an item submitted from a Swift task (the map
    /// is iterated with `for try await`, or from async code) carries that task's task-local values into its
    /// work (see ``TaskLocalCarrier``); one submitted from a plain thread, or to another executor, is
    /// submitted as ``init(_:)`` does (so is every item to a pool that carries them on every submit from a
    /// task, ``ThreadPoolConfiguration/carriesTaskLocalValues``).
    @inlinable
    init<E: Executor>(carryingTaskLocalsOn executor: E) {
        if let pool = executor as? ThreadPoolExecutor, !pool.core.carriesTaskLocalValues {
            submit = { work in
                let inTask = withUnsafeCurrentTask { $0 != nil }
                return try executor.submit(inTask ? TaskLocalCarrier.carrying(work) : work)
            }
        } else {
            submit = { work in try executor.submit(work) }
        }
    }
}
