/// Waits for a group of futures, blocking the calling thread.
///
/// ```swift
/// let futures = try urls.map { url in try pool.submit { try download(url) } }
/// let (done, notDone) = wait(futures, timeout: .seconds(5), returnWhen: .firstException)
/// ```
///
/// Cancelled futures count as done the moment `cancel()` returns. Duplicates are waited on once. The
/// futures may come from different executors. No thread is made per future: with `.allCompleted` the
/// call waits on each future in turn (as a loop of ``Future/result(timeout:)`` would, but without reading
/// results or errors), and with the other rules one waiter is registered on all of them. On a pool worker,
/// futures of the same pool that have not started are run on the calling thread instead of waited for
/// (see ``Future/result(timeout:)``).
///
/// - Parameters:
///   - futures: the futures to wait for; to wait on futures of different value types together, wrap
///     them in ``AnyFuture`` and use ``wait(_:timeout:returnWhen:)-7bueg``.
///   - timeout: how long to wait at most; `nil` waits as long as it takes. On time-out the call returns
///     normally, with the futures that are not done in `notDone`.
///   - returnWhen: the condition to wait for.
/// - Returns: the futures that were done when the call returned, and the others.
/// - Complexity: O(*n*) for *n* futures, plus O(1) for each future that completes while the call waits;
///   each future's status is read a constant number of times, without a lock.
@available(*, noasync, message: "blocks the thread; use the async overload of wait in async code")
@inlinable
public func wait<T>(
    _ futures: some Sequence<Future<T>>, timeout: Duration? = nil, returnWhen: ReturnWhen = .allCompleted
) -> (done: Set<Future<T>>, notDone: Set<Future<T>>) {
    GroupWait(futures, returnWhen: returnWhen).run(until: Deadline.after(timeout))
}

/// Waits for a group of futures of any value types; see ``wait(_:timeout:returnWhen:)-72rj2``.
///
/// - Parameters:
///   - futures: the futures, each wrapped in ``AnyFuture``.
///   - timeout: how long to wait at most; `nil` waits as long as it takes.
///   - returnWhen: the condition to wait for.
/// - Returns: the futures that were done when the call returned, and the others.
/// - Complexity: O(*n*) for *n* futures, plus O(1) for each future that completes while the call waits.
@available(*, noasync, message: "blocks the thread; use the async overload of wait in async code")
public func wait(
    _ futures: some Sequence<AnyFuture>, timeout: Duration? = nil, returnWhen: ReturnWhen = .allCompleted
) -> (done: Set<AnyFuture>, notDone: Set<AnyFuture>) {
    GroupWait(futures, returnWhen: returnWhen).run(until: Deadline.after(timeout))
}

/// Waits for a group of futures without blocking a thread.
///
/// The same as the blocking ``wait(_:timeout:returnWhen:)-72rj2``, but the task
/// suspends (once: one waiter is registered on every future not yet done). If the task is cancelled,
/// the call returns at once, like a time-out, with the futures done so far.
///
/// - Parameters:
///   - futures: the futures to wait for.
///   - timeout: how long to wait at most; `nil` waits as long as it takes.
///   - returnWhen: the condition to wait for.
/// - Returns: the futures that were done when the call returned, and the others.
/// - Complexity: O(*n*) for *n* futures, plus O(1) for each future that completes while the call waits.
@inlinable
public func wait<T>(
    _ futures: some Sequence<Future<T>>, timeout: Duration? = nil, returnWhen: ReturnWhen = .allCompleted
) async -> (done: Set<Future<T>>, notDone: Set<Future<T>>) {
    await GroupWait(futures, returnWhen: returnWhen).run(until: Deadline.after(timeout))
}

/// Waits for a group of futures of any value types without blocking a thread.
///
/// - Parameters:
///   - futures: the futures, each wrapped in ``AnyFuture``.
///   - timeout: how long to wait at most; `nil` waits as long as it takes.
///   - returnWhen: the condition to wait for.
/// - Returns: the futures that were done when the call returned, and the others.
/// - Complexity: O(*n*) for *n* futures, plus O(1) for each future that completes while the call waits.
public func wait(
    _ futures: some Sequence<AnyFuture>, timeout: Duration? = nil, returnWhen: ReturnWhen = .allCompleted
) async -> (done: Set<AnyFuture>, notDone: Set<AnyFuture>) {
    await GroupWait(futures, returnWhen: returnWhen).run(until: Deadline.after(timeout))
}

/// One call of `wait`: the futures, the rule, and the waiting.
///
/// Every step is one pass over the futures, each reading a future's status once (an atomic load, no
/// lock), so a call costs O(*n*) whatever the rule, plus O(1) per completion it is told of:
///
/// 1. On a pool worker, each future of the same pool that has not started is run here (found in the
///    queue in O(1)), as long as the rule is not met.
/// 2. `.allCompleted`, blocking: wait on each future in turn; a future done by the time the loop reaches
///    it costs one status read. Every other case: count the futures done and failed in one pass and, if
///    the rule is not met, register one ``GroupWaiter`` on the others that counts completions and wakes
///    the caller once when the rule is met; then take it off them.
/// 3. Sort the futures into done and not done.
///
/// Generic and `@inlinable`, so that it is specialized for the caller's value type: no type-metadata
/// look-ups or key paths on the way.
@usableFromInline
struct GroupWait<Element: WaitElement> {
    /// The futures as given, duplicates included (each step copes with them).
    @usableFromInline let elements: [Element]
    @usableFromInline let returnWhen: ReturnWhen

    @inlinable
    init(_ futures: some Sequence<Element>, returnWhen: ReturnWhen) {
        elements = Array(futures)
        self.returnWhen = returnWhen
    }

    @inlinable
    func run(until deadline: Deadline?) -> (done: Set<Element>, notDone: Set<Element>) {
        if deadline.map({ !$0.hasPassed }) ?? true {
            if WorkerContext.isWorker { runQueuedInline() }
            switch returnWhen {
            case .allCompleted:
                for element in elements where !element.waitTarget.blockUntilDone(until: deadline) { break }
            case .firstCompleted, .firstException:
                if let waiter = register() {
                    _ = waiter.wait(until: deadline)
                    unregister(waiter)
                }
            }
        }
        return partition()
    }

    @inlinable
    func run(until deadline: Deadline?) async -> (done: Set<Element>, notDone: Set<Element>) {
        if deadline.map({ !$0.hasPassed }) ?? true, !Task.isCancelled, let waiter = register() {
            _ = await waiter.wait(until: deadline)
            unregister(waiter)
        }
        return partition()
    }

    /// On a pool worker: runs here, in input order, each future of this pool that waits in its queue,
    /// until the rule is met.
    @inlinable
    func runQueuedInline() {
        var failed = false
        for element in elements {
            let target = element.waitTarget
            guard !target.completionStatus.isDone else {
                if returnWhen == .firstCompleted { return }
                continue
            }
            if target.runInlineIfQueuedHere() {
                if returnWhen == .firstCompleted { return }
                if returnWhen == .firstException, target.completionStatus == .failed { failed = true }
            }
            if failed { return }
        }
    }

    /// Registers one waiter on the futures not yet done, counting those that are; `nil` if the rule
    /// already holds. The caller waits on it, then calls ``unregister(_:)``.
    @inlinable
    func register() -> GroupWaiter? {
        var distinct = Set<ObjectIdentifier>(minimumCapacity: elements.count)
        var notDone: [any WaitTarget] = []
        for element in elements {
            let target = element.waitTarget
            guard distinct.insert(ObjectIdentifier(target)).inserted else { continue }
            switch target.completionStatus {
            case .notDone: notDone.append(target)
            case .failed where returnWhen == .firstException: return nil
            case .cancelled, .succeeded, .failed: if returnWhen == .firstCompleted { return nil }
            }
        }
        // As in Python, no futures at all is "all done": each rule holds at once.
        if notDone.isEmpty { return nil }
        let rule: GroupWaiter.Rule
        switch returnWhen {
        case .firstCompleted: rule = .anyCompletion
        case .firstException: rule = .firstFailureOrAll(count: notDone.count)
        case .allCompleted: rule = .all(count: notDone.count)
        }
        let waiter = GroupWaiter(rule: rule, registeredOn: notDone)
        for target in notDone where !target.addObserver(waiter) {
            // Done since the status was read: count it as the future would have.
            waiter.futureDidComplete(ObjectIdentifier(target), failed: target.completionStatus == .failed)
        }
        return waiter
    }

    /// Takes `waiter` off the futures it was registered on.
    @inlinable
    func unregister(_ waiter: GroupWaiter) {
        for target in waiter.registeredOn where !target.completionStatus.isDone {
            // A done future has dropped its observers already.
            target.removeObserver(waiter)
        }
    }

    /// The futures done now, and the others.
    @inlinable
    func partition() -> (done: Set<Element>, notDone: Set<Element>) {
        var done = Set<Element>(minimumCapacity: elements.count), notDone = Set<Element>()
        for element in elements {
            if element.waitTarget.completionStatus.isDone { done.insert(element) } else { notDone.insert(element) }
        }
        // A duplicate may have been read not done, then done: it is done.
        if !notDone.isEmpty, !done.isEmpty { notDone.subtract(done) }
        return (done, notDone)
    }
}
