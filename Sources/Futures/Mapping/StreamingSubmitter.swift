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
}
