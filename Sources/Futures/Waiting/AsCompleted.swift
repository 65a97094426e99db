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
@inlinable
public func asCompleted<T>(_ futures: some Sequence<Future<T>>) -> AsCompleted<T> {
    AsCompleted(futures: Array(futures))
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
@inlinable
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
@inlinable
public func asCompleted(_ futures: some Sequence<AnyFuture>) -> AsCompletedAny {
    AsCompletedAny(futures: Array(futures))
}

/// The futures of ``asCompleted(_:)->AsCompleted<T>`` in completion order, for `for … in` and `for try await … in`.
public struct AsCompleted<T: Sendable>: Sequence, AsyncSequence, Sendable {
    @usableFromInline let futures: [Future<T>]

    @usableFromInline init(futures: [Future<T>]) { self.futures = futures }

    /// Makes a blocking iterator.
    @inlinable
    public func makeIterator() -> Iterator { Iterator(stream: CompletionStream(futures, deadline: nil)) }

    /// Makes an iterator for `for try await`.
    @inlinable
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: CompletionStream(futures, deadline: nil)) }

    /// Blocks between futures.
    public struct Iterator: IteratorProtocol {
        @usableFromInline let stream: CompletionStream<Future<T>>

        @inlinable init(stream: CompletionStream<Future<T>>) { self.stream = stream }

        /// The next future to complete, or `nil` when every future has been yielded.
        @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
        @inlinable
        public mutating func next() -> Future<T>? {
            // With no deadline the stream cannot time out.
            try? stream.next()
        }
    }

    /// Suspends between futures.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline let stream: CompletionStream<Future<T>>

        @inlinable init(stream: CompletionStream<Future<T>>) { self.stream = stream }

        /// The next future to complete, or `nil` when every future has been yielded.
        ///
        /// - Throws: `CancellationError` if the task is cancelled while waiting.
        @inlinable
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
    @usableFromInline let futures: [Future<T>]
    @usableFromInline let deadline: Deadline?

    @usableFromInline init(futures: [Future<T>], deadline: Deadline?) {
        self.futures = futures
        self.deadline = deadline
    }

    /// Makes a blocking iterator.
    @inlinable
    public func makeIterator() -> Iterator { Iterator(stream: CompletionStream(futures, deadline: deadline)) }

    /// Makes an iterator for `for try await`.
    @inlinable
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: CompletionStream(futures, deadline: deadline))
    }

    /// Calls `body` with each future in completion order, blocking between them.
    ///
    /// - Parameter body: called with each future; an error it throws ends the loop and is rethrown.
    /// - Throws: ``FutureError/timedOut`` if the deadline passes first, or what `body` throws.
    @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
    @inlinable
    public func forEach(_ body: (Future<T>) throws -> Void) throws {
        var iterator = makeIterator()
        while let future = try iterator.next() { try body(future) }
    }

    /// Blocks between futures.
    public struct Iterator {
        @usableFromInline let stream: CompletionStream<Future<T>>

        @inlinable init(stream: CompletionStream<Future<T>>) { self.stream = stream }

        /// The next future to complete, or `nil` when every future has been yielded.
        ///
        /// - Throws: ``FutureError/timedOut`` if the deadline passes first.
        @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
        @inlinable
        public mutating func next() throws -> Future<T>? {
            try stream.next()
        }
    }

    /// Suspends between futures.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline let stream: CompletionStream<Future<T>>

        @inlinable init(stream: CompletionStream<Future<T>>) { self.stream = stream }

        /// The next future to complete, or `nil` when every future has been yielded.
        ///
        /// - Throws: ``FutureError/timedOut`` if the deadline passes first; `CancellationError` if the
        ///   task is cancelled while waiting.
        @inlinable
        public mutating func next() async throws -> Future<T>? {
            try await stream.nextAsync()
        }
    }
}

/// The futures of ``asCompleted(_:)->AsCompletedAny`` in completion order.
public struct AsCompletedAny: Sequence, AsyncSequence, Sendable {
    @usableFromInline let futures: [AnyFuture]

    @usableFromInline init(futures: [AnyFuture]) { self.futures = futures }

    /// Makes a blocking iterator.
    @inlinable
    public func makeIterator() -> Iterator { Iterator(stream: CompletionStream(futures, deadline: nil)) }

    /// Makes an iterator for `for try await`.
    @inlinable
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: CompletionStream(futures, deadline: nil)) }

    /// Blocks between futures.
    public struct Iterator: IteratorProtocol {
        @usableFromInline let stream: CompletionStream<AnyFuture>

        @inlinable init(stream: CompletionStream<AnyFuture>) { self.stream = stream }

        /// The next future to complete, or `nil` when every future has been yielded.
        @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
        @inlinable
        public mutating func next() -> AnyFuture? { try? stream.next() }
    }

    /// Suspends between futures.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline let stream: CompletionStream<AnyFuture>

        @inlinable init(stream: CompletionStream<AnyFuture>) { self.stream = stream }

        /// The next future to complete, or `nil` when every future has been yielded.
        ///
        /// - Throws: `CancellationError` if the task is cancelled while waiting.
        @inlinable
        public mutating func next() async throws -> AnyFuture? { try await stream.nextAsync() }
    }
}
