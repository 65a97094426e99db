/// Something told once when a future it watches is done: a blocked thread's ``Parker``, a group waiter
/// for `wait`/`asCompleted`, or a suspended task's continuation.
///
/// `futureDidComplete` is called on the completing thread after the future's lock is released, and must
/// be quick: it only records the event and wakes someone.
@usableFromInline
protocol CompletionObserver: AnyObject, Sendable {
    /// - Parameters:
    ///   - future: the identity of the future that is done, for observers that watch many.
    ///   - failed: `true` if it finished with an error (a cancelled future did not fail).
    func futureDidComplete(_ future: ObjectIdentifier, failed: Bool)
}

extension Parker: CompletionObserver {
    func futureDidComplete(_ future: ObjectIdentifier, failed: Bool) { unpark() }
}

/// One entry in a future's list of what to do when it is done, kept in the order added.
@usableFromInline
enum Listener<Value: Sendable>: Sendable {
    case callback(@Sendable (Future<Value>) -> Void)
    case observer(any CompletionObserver)
    /// What a pool hangs on the future (task times, error handler); always first, kept after completion.
    case attachment(FutureAttachment)
}
