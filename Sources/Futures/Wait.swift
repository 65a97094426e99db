/// When ``wait(_:timeout:returnWhen:)-72rj2`` returns.
public enum ReturnWhen: Sendable {
    /// When any future is done (finished or cancelled).
    case firstCompleted
    /// When any future finishes with an error; if none does, when all are done. A cancelled future is
    /// not an error.
    case firstException
    /// When every future is done.
    case allCompleted
}

/// Waits for a group of futures, blocking the calling thread.
///
/// ```swift
/// let futures = try urls.map { url in try pool.submit { try download(url) } }
/// let (done, notDone) = wait(futures, timeout: .seconds(5), returnWhen: .firstException)
/// ```
///
/// Cancelled futures count as done the moment `cancel()` returns. Duplicates are waited on once. The
/// futures may come from different executors. One waiter is registered on all the futures; no thread is
/// made per future. On a pool worker, futures of the same pool that have not started are run on the
/// calling thread instead of waited for (see ``Future/result(timeout:)``).
///
/// - Parameters:
///   - futures: the futures to wait for; to wait on futures of different value types together, wrap
///     them in ``AnyFuture`` and use ``wait(_:timeout:returnWhen:)-7bueg``.
///   - timeout: how long to wait at most; `nil` waits as long as it takes. On time-out the call returns
///     normally, with the futures that are not done in `notDone`.
///   - returnWhen: the condition to wait for.
/// - Returns: the futures that were done when the call returned, and the others.
@available(*, noasync, message: "blocks the thread; use the async overload of wait in async code")
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
@available(*, noasync, message: "blocks the thread; use the async overload of wait in async code")
public func wait(
    _ futures: some Sequence<AnyFuture>, timeout: Duration? = nil, returnWhen: ReturnWhen = .allCompleted
) -> (done: Set<AnyFuture>, notDone: Set<AnyFuture>) {
    GroupWait(futures, returnWhen: returnWhen).run(until: Deadline.after(timeout))
}

/// Waits for a group of futures without blocking a thread.
///
/// The same as the blocking ``wait(_:timeout:returnWhen:)-72rj2``, but the task
/// suspends. If the task is cancelled, the call returns at once, like a time-out, with the futures done
/// so far.
///
/// - Parameters:
///   - futures: the futures to wait for.
///   - timeout: how long to wait at most; `nil` waits as long as it takes.
///   - returnWhen: the condition to wait for.
/// - Returns: the futures that were done when the call returned, and the others.
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
public func wait(
    _ futures: some Sequence<AnyFuture>, timeout: Duration? = nil, returnWhen: ReturnWhen = .allCompleted
) async -> (done: Set<AnyFuture>, notDone: Set<AnyFuture>) {
    await GroupWait(futures, returnWhen: returnWhen).run(until: Deadline.after(timeout))
}

/// One call of `wait`: the distinct futures, the rule, and the waiting.
struct GroupWait<Element: WaitElement> {
    /// Distinct futures, in input order.
    let elements: [Element]
    let returnWhen: ReturnWhen

    init(_ futures: some Sequence<Element>, returnWhen: ReturnWhen) {
        var seen = Set<Element>()
        elements = futures.filter { seen.insert($0).inserted }
        self.returnWhen = returnWhen
    }

    /// Whether the condition holds for these statuses.
    private func isSatisfied(_ statuses: [CompletionStatus]) -> Bool {
        switch returnWhen {
        // As in Python, no futures at all is "all done": each rule holds at once.
        case .firstCompleted: return statuses.isEmpty || statuses.contains { $0.isDone }
        case .firstException: return statuses.contains(.failed) || statuses.allSatisfy(\.isDone)
        case .allCompleted: return statuses.allSatisfy(\.isDone)
        }
    }

    private var isSatisfied: Bool { isSatisfied(elements.map(\.waitTarget.completionStatus)) }

    /// Registers one waiter on the futures not yet done; `nil` if the condition already holds.
    private func register() -> (GroupWaiter, [Element])? {
        let notDone = elements.filter { !$0.waitTarget.completionStatus.isDone }
        let rule: GroupWaiter.Rule
        switch returnWhen {
        case .firstCompleted: rule = .anyCompletion
        case .firstException: rule = .firstFailureOrAll(count: notDone.count)
        case .allCompleted: rule = .all(count: notDone.count)
        }
        let waiter = GroupWaiter(rule: rule)
        for element in notDone where !element.waitTarget.addObserver(waiter) {
            // Done between the check and the registration: count it as the future would have.
            waiter.futureDidComplete(ObjectIdentifier(element.waitTarget), failed: element.waitTarget.completionStatus == .failed)
        }
        return (waiter, notDone)
    }

    private func partition() -> (done: Set<Element>, notDone: Set<Element>) {
        var done = Set<Element>(), notDone = Set<Element>()
        for element in elements {
            if element.waitTarget.completionStatus.isDone { done.insert(element) } else { notDone.insert(element) }
        }
        return (done, notDone)
    }

    func run(until deadline: Deadline?) -> (done: Set<Element>, notDone: Set<Element>) {
        if !isSatisfied, deadline.map({ !$0.hasPassed }) ?? true {
            // On a pool worker, run this pool's queued futures here rather than wait for them.
            for element in elements where !isSatisfied {
                _ = element.waitTarget.runInlineIfQueuedHere()
            }
        }
        if !isSatisfied, deadline.map({ !$0.hasPassed }) ?? true, let (waiter, registered) = register() {
            // A future done before `register()` looked is not counted by the waiter: check again now that
            // every later completion will reach it.
            if !isSatisfied { _ = waiter.wait(until: deadline) }
            registered.forEach { $0.waitTarget.removeObserver(waiter) }
        }
        return partition()
    }

    func run(until deadline: Deadline?) async -> (done: Set<Element>, notDone: Set<Element>) {
        if !isSatisfied, deadline.map({ !$0.hasPassed }) ?? true, !Task.isCancelled, let (waiter, registered) = register() {
            // As in the blocking form: what completed before `register()` looked is not counted by the waiter.
            if !isSatisfied { _ = await waiter.wait(until: deadline) }
            registered.forEach { $0.waitTarget.removeObserver(waiter) }
        }
        return partition()
    }
}
