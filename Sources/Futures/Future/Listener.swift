/// One entry in a future's list of what to do when it is done, kept in the order added.
@usableFromInline
enum Listener<Value: Sendable>: Sendable {
    case callback(@Sendable (Future<Value>) -> Void)
    case observer(any CompletionObserver)
    /// What a pool hangs on the future (task times, error handler); always first, kept after completion.
    case attachment(FutureAttachment)
    /// A handler the running work registered with ``CurrentWork/withCancellationHandler(operation:onCancel:)``;
    /// run on a cancellation request, dropped at completion.
    case cancellationHandler(CancellationHandler)
}
