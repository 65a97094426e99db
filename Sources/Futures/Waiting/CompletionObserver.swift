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
