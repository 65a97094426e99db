/// The state of one iteration over futures in completion order, shared by every `asCompleted` form.
/// Owned by one iterator; releasing it takes its waiter off the futures not yet yielded.
///
/// Costs O(*n*) for *n* futures in all, plus O(1) per completion: each future's status is read once at
/// the start, the waiter is registered once on each future not done then, each completion is moved to
/// `ready` once, and on a pool worker each pending future is offered to run inline at most once.
///
/// Inlinable, so that it is compiled for the element type where `asCompleted` is iterated: unspecialized,
/// every array and dictionary operation on its elements looked up type metadata at run time.
@usableFromInline
final class CompletionStream<Element: WaitElement> {
    /// Done and not yet yielded, in the order they will be yielded; a yielded slot is emptied so the
    /// stream does not keep the futures it handed out alive (as CPython's bpo-27144 asks).
    @usableFromInline var ready: [Element?] = []
    @usableFromInline var readyIndex = 0
    /// Not yet done when last looked at, by identity.
    @usableFromInline var pending: [ObjectIdentifier: Element] = [:]
    @usableFromInline let waiter = GroupWaiter(rule: .anyCompletion, recordsOrder: true)
    @usableFromInline var registered = false
    @usableFromInline let deadline: Deadline?
    /// The futures not done at the start, in input order: until the waiter is registered on them, then,
    /// on a pool worker, the ones not yet offered to run inline (from `inlineCursor` on; each slot is
    /// emptied once offered).
    @usableFromInline var pendingInInputOrder: [Element?]
    @usableFromInline var inlineCursor = 0

    @inlinable
    init(_ futures: [Element], deadline: Deadline?) {
        self.deadline = deadline
        var seen = Set<ObjectIdentifier>(minimumCapacity: futures.count)
        var notDone: [Element?] = []
        for future in futures where seen.insert(ObjectIdentifier(future.waitTarget)).inserted {
            if future.waitTarget.completionStatus.isDone {
                ready.append(future)
            } else {
                pending[ObjectIdentifier(future.waitTarget)] = future
                notDone.append(future)
            }
        }
        pendingInInputOrder = notDone
    }

    deinit {
        if registered {
            for future in pending.values { future.waitTarget.removeObserver(waiter) }
        }
    }

    /// Registers the waiter on every pending future, once, in input order. Off a pool worker, the list
    /// is then let go; on one, it is kept for ``runOneInlineIfQueuedHere()``.
    @inlinable
    func registerIfNeeded() {
        guard !registered else { return }
        registered = true
        for case let future? in pendingInInputOrder where !future.waitTarget.addObserver(waiter) {
            waiter.futureDidComplete(ObjectIdentifier(future.waitTarget), failed: false)
        }
        if !WorkerContext.isWorker { pendingInInputOrder = [] }
    }

    /// Moves what the waiter saw complete from `pending` to `ready`.
    @inlinable
    func collectCompleted() {
        for identity in waiter.takeCompleted() {
            if let future = pending.removeValue(forKey: identity) { ready.append(future) }
        }
    }

    @inlinable
    func popReady() -> Element? {
        guard readyIndex < ready.count else { return nil }
        defer {
            ready[readyIndex] = nil
            readyIndex += 1
            if readyIndex == ready.count {
                ready.removeAll(keepingCapacity: true)
                readyIndex = 0
            }
        }
        return ready[readyIndex]
    }

    @inlinable
    func next() throws(FutureError) -> Element? {
        while true {
            if let future = popReady() { return future }
            if pending.isEmpty { return nil }
            registerIfNeeded()
            collectCompleted()
            if let future = popReady() { return future }
            if deadline.map({ !$0.hasPassed }) ?? true, runOneInlineIfQueuedHere() { continue }
            if !waiter.wait(until: deadline) { throw .timedOut }
        }
    }

    @inlinable
    func nextAsync() async throws -> Element? {
        while true {
            if let future = popReady() { return future }
            if pending.isEmpty { return nil }
            registerIfNeeded()
            collectCompleted()
            if let future = popReady() { return future }
            if await !waiter.wait(until: deadline) {
                try Task.checkCancellation()
                throw FutureError.timedOut
            }
        }
    }

    /// On a pool worker, runs the next pending future (in input order) that waits in this pool's queue.
    /// Each future is offered once: one that was not in the queue when offered (running, or another
    /// pool's) never enters it later.
    @inlinable
    func runOneInlineIfQueuedHere() -> Bool {
        guard WorkerContext.isWorker else { return false }
        while inlineCursor < pendingInInputOrder.count {
            let future = pendingInInputOrder[inlineCursor].take()
            inlineCursor += 1
            if let future, !future.waitTarget.completionStatus.isDone, future.waitTarget.runInlineIfQueuedHere() {
                return true
            }
        }
        pendingInInputOrder = []
        inlineCursor = 0
        return false
    }
}
