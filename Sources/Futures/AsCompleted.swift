/// Yields futures in the order they complete: those already done first (in input order), then each
/// as it finishes or is cancelled.
///
/// ```swift
/// for future in asCompleted(futures) {
///     print(try future.result())
/// }
/// ```
///
/// Duplicates are yielded once. A cancelled future is yielded the moment `cancel()` returns. Iterating
/// blocks the calling thread between futures; one waiter is registered on all of them, not a thread per
/// future. From async code, iterate with `for try await` instead: the task suspends, and the loop throws
/// `CancellationError` if the task is cancelled. To stop waiting after a time, use
/// ``asCompleted(_:timeout:)``.
///
/// - Parameter futures: the futures, possibly from different executors.
/// - Returns: a sequence (and an async sequence) of the futures in completion order.
/// - Complexity: O(*n*) for *n* futures to make the sequence; iterating all of it costs O(*n*) in all, plus O(1) per
///   completion (each future's status is read once, one waiter is registered on each future not done, and on a pool
///   worker each is offered once to run inline).
public func asCompleted<T>(_ futures: some Sequence<Future<T>>) -> AsCompleted<T> {
    AsCompleted(futures: Array(futures), deadline: nil)
}

/// Yields futures in completion order until a deadline; running out of time throws
/// ``FutureError/timedOut``.
///
/// ```swift
/// // Blocking:
/// try asCompleted(futures, timeout: .seconds(5)).forEach { future in print(try future.result()) }
/// // Async:
/// for try await future in asCompleted(futures, timeout: .seconds(5)) { print(try await future.value) }
/// ```
///
/// The timeout is one deadline, measured from this call. When it passes before every future has been
/// yielded, the next call to `next()` throws ``FutureError/timedOut``: the loop never ends silently
/// short. The futures not yet yielded go on running.
///
/// - Parameters:
///   - futures: the futures, possibly from different executors.
///   - timeout: the time from this call after which waiting for the next future throws; `nil` waits as
///     long as it takes.
/// - Returns: a sequence of the futures in completion order, with a throwing `next()`.
/// - Complexity: O(*n*) for *n* futures to make the sequence; iterating all of it costs O(*n*) in all, plus O(1) per
///   completion (each future's status is read once, one waiter is registered on each future not done, and on a pool
///   worker each is offered once to run inline).
public func asCompleted<T>(_ futures: some Sequence<Future<T>>, timeout: Duration?) -> AsCompletedWithTimeout<T> {
    AsCompletedWithTimeout(futures: Array(futures), deadline: Deadline.after(timeout))
}

/// Yields futures of any value types in completion order; see ``asCompleted(_:)``.
///
/// - Parameter futures: the futures, each wrapped in ``AnyFuture``.
/// - Returns: a sequence (and an async sequence) of the futures in completion order.
/// - Complexity: O(*n*) for *n* futures to make the sequence; iterating all of it costs O(*n*) in all, plus O(1) per
///   completion (each future's status is read once, one waiter is registered on each future not done, and on a pool
///   worker each is offered once to run inline).
public func asCompleted(_ futures: some Sequence<AnyFuture>) -> AsCompletedAny {
    AsCompletedAny(futures: Array(futures))
}

/// The futures of ``asCompleted(_:)->AsCompleted<T>`` in completion order, for `for … in` and `for try await … in`.
public struct AsCompleted<T: Sendable>: Sequence, AsyncSequence, Sendable {
    let futures: [Future<T>]
    let deadline: Deadline?

    /// Makes a blocking iterator.
    public func makeIterator() -> Iterator { Iterator(stream: CompletionStream(futures, deadline: nil)) }

    /// Makes an iterator for `for try await`.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: CompletionStream(futures, deadline: nil)) }

    /// Blocks between futures.
    public struct Iterator: IteratorProtocol {
        let stream: CompletionStream<Future<T>>

        /// The next future to complete, or `nil` when every future has been yielded.
        @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
        public mutating func next() -> Future<T>? {
            // With no deadline the stream cannot time out.
            try? stream.next()
        }
    }

    /// Suspends between futures.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: CompletionStream<Future<T>>

        /// The next future to complete, or `nil` when every future has been yielded.
        ///
        /// - Throws: `CancellationError` if the task is cancelled while waiting.
        public mutating func next() async throws -> Future<T>? {
            try await stream.nextAsync()
        }
    }
}

/// The futures of ``asCompleted(_:timeout:)`` in completion order, with a deadline.
///
/// Not a `Sequence`, whose `next()` cannot throw: iterate with ``makeIterator()`` and
/// `while let future = try iterator.next()`, with ``forEach(_:)``, or with `for try await`.
public struct AsCompletedWithTimeout<T: Sendable>: AsyncSequence, Sendable {
    let futures: [Future<T>]
    let deadline: Deadline?

    /// Makes a blocking iterator.
    public func makeIterator() -> Iterator { Iterator(stream: CompletionStream(futures, deadline: deadline)) }

    /// Makes an iterator for `for try await`.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: CompletionStream(futures, deadline: deadline)) }

    /// Calls `body` with each future in completion order, blocking between them.
    ///
    /// - Parameter body: called with each future; an error it throws ends the loop and is rethrown.
    /// - Throws: ``FutureError/timedOut`` if the deadline passes first, or what `body` throws.
    @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
    public func forEach(_ body: (Future<T>) throws -> Void) throws {
        var iterator = makeIterator()
        while let future = try iterator.next() { try body(future) }
    }

    /// Blocks between futures.
    public struct Iterator {
        let stream: CompletionStream<Future<T>>

        /// The next future to complete, or `nil` when every future has been yielded.
        ///
        /// - Throws: ``FutureError/timedOut`` if the deadline passes first.
        @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
        public mutating func next() throws -> Future<T>? {
            try stream.next()
        }
    }

    /// Suspends between futures.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: CompletionStream<Future<T>>

        /// The next future to complete, or `nil` when every future has been yielded.
        ///
        /// - Throws: ``FutureError/timedOut`` if the deadline passes first; `CancellationError` if the
        ///   task is cancelled while waiting.
        public mutating func next() async throws -> Future<T>? {
            try await stream.nextAsync()
        }
    }
}

/// The futures of ``asCompleted(_:)->AsCompletedAny`` in completion order.
public struct AsCompletedAny: Sequence, AsyncSequence, Sendable {
    let futures: [AnyFuture]

    /// Makes a blocking iterator.
    public func makeIterator() -> Iterator { Iterator(stream: CompletionStream(futures, deadline: nil)) }

    /// Makes an iterator for `for try await`.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: CompletionStream(futures, deadline: nil)) }

    /// Blocks between futures.
    public struct Iterator: IteratorProtocol {
        let stream: CompletionStream<AnyFuture>

        /// The next future to complete, or `nil` when every future has been yielded.
        @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
        public mutating func next() -> AnyFuture? { try? stream.next() }
    }

    /// Suspends between futures.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: CompletionStream<AnyFuture>

        /// The next future to complete, or `nil` when every future has been yielded.
        ///
        /// - Throws: `CancellationError` if the task is cancelled while waiting.
        public mutating func next() async throws -> AnyFuture? { try await stream.nextAsync() }
    }
}

/// The state of one iteration over futures in completion order, shared by every `asCompleted` form.
/// Owned by one iterator; releasing it takes its waiter off the futures not yet yielded.
///
/// Costs O(*n*) for *n* futures in all, plus O(1) per completion: each future's status is read once at
/// the start, the waiter is registered once on each future not done then, each completion is moved to
/// `ready` once, and on a pool worker each pending future is offered to run inline at most once.
final class CompletionStream<Element: WaitElement> {
    /// Done and not yet yielded, in the order they will be yielded; a yielded slot is emptied so the
    /// stream does not keep the futures it handed out alive (as CPython's bpo-27144 asks).
    private var ready: [Element?] = []
    private var readyIndex = 0
    /// Not yet done when last looked at, by identity.
    private var pending: [ObjectIdentifier: Element] = [:]
    private let waiter = GroupWaiter(rule: .anyCompletion, recordsOrder: true)
    private var registered = false
    private let deadline: Deadline?
    /// The futures not done at the start, in input order: until the waiter is registered on them, then,
    /// on a pool worker, the ones not yet offered to run inline (from `inlineCursor` on; each slot is
    /// emptied once offered).
    private var pendingInInputOrder: [Element?]
    private var inlineCursor = 0

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
    private func registerIfNeeded() {
        guard !registered else { return }
        registered = true
        for case let future? in pendingInInputOrder where !future.waitTarget.addObserver(waiter) {
            waiter.futureDidComplete(ObjectIdentifier(future.waitTarget), failed: false)
        }
        if !WorkerContext.isWorker { pendingInInputOrder = [] }
    }

    /// Moves what the waiter saw complete from `pending` to `ready`.
    private func collectCompleted() {
        for identity in waiter.takeCompleted() {
            if let future = pending.removeValue(forKey: identity) { ready.append(future) }
        }
    }

    private func popReady() -> Element? {
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
    private func runOneInlineIfQueuedHere() -> Bool {
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
