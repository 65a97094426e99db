extension Executor {
    /// Maps `transform` over an async sequence of inputs on the executor, in input order, with at most
    /// `bufferSize` items in flight.
    ///
    /// ```swift
    /// let (requests, continuation) = AsyncStream.makeStream(of: Request.self)
    /// for try await response in pool.lazyMap(requests, bufferSize: 8, { try handleBlocking($0) }) {
    ///     send(response)
    /// }
    /// ```
    ///
    /// The same as `lazyMap(_:bufferSize:_:)` for a `Sequence`, with the input awaited on the
    /// consumer's task (on its actor) inside `next()`: a `next()` that finds the buffer at most half
    /// full first awaits input items until `bufferSize` are in flight or the input ends, then awaits the
    /// oldest result. A slow input
    /// therefore delays results that are already done; use a small `bufferSize` for a sparse input. An
    /// error thrown by the input is thrown after the items before it, and ends the stream. On a
    /// ``ThreadPoolExecutor``, each item's work sees the consumer task's task-local values.
    ///
    /// - Parameters:
    ///   - items: the inputs; iterated once, lazily, on the consumer's task.
    ///   - bufferSize: the most items submitted and not yet handed to the consumer; `nil` for four times
    ///     the workers of a ``ThreadPoolExecutor``. A value of 0 or less stops the program with a message
    ///     that names it.
    ///   - transform: the function to apply; it runs on the executor's threads, one task per item.
    /// - Returns: an async sequence of the results in input order.
    /// - Complexity: O(1) per result, amortized; at most `bufferSize` tasks (and their results) are held at once.
    @inlinable
    public func lazyMap<S: AsyncSequence, T: Sendable>(
        _ items: S, bufferSize: Int? = nil, _ transform: @escaping @Sendable (S.Element) throws -> T
    ) -> AsyncStreamingMap<S, T> where S.Element: Sendable {
        AsyncStreamingMap(
            submitter: StreamingSubmitter(carryingTaskLocalsOn: self), items: items,
            bufferSize: checkedBufferSize(bufferSize, in: "lazyMap"),
            ordered: true, transform: transform)
    }

    /// Maps `transform` over an async sequence of inputs on the executor, yielding results in completion
    /// order, with at most `bufferSize` items in flight.
    ///
    /// ```swift
    /// for try await page in pool.unorderedMap(urlStream, bufferSize: 4, { try fetchBlocking($0) }) {
    ///     index(page)
    /// }
    /// ```
    ///
    /// `unorderedMap(_:bufferSize:_:)` for an `AsyncSequence`; input is awaited as in
    /// `lazyMap(_:bufferSize:_:)` for an `AsyncSequence`.
    ///
    /// - Parameters:
    ///   - items: the inputs; iterated once, lazily, on the consumer's task.
    ///   - bufferSize: the most items submitted and not yet handed to the consumer; `nil` for four times
    ///     the workers of a ``ThreadPoolExecutor``. A value of 0 or less stops the program with a message
    ///     that names it.
    ///   - transform: the function to apply; it runs on the executor's threads, one task per item.
    /// - Returns: an async sequence of the results in completion order.
    /// - Complexity: O(1) per result, amortized; at most `bufferSize` tasks (and their results) are held at once.
    @inlinable
    public func unorderedMap<S: AsyncSequence, T: Sendable>(
        _ items: S, bufferSize: Int? = nil, _ transform: @escaping @Sendable (S.Element) throws -> T
    ) -> AsyncStreamingMap<S, T> where S.Element: Sendable {
        AsyncStreamingMap(
            submitter: StreamingSubmitter(carryingTaskLocalsOn: self), items: items,
            bufferSize: checkedBufferSize(bufferSize, in: "unorderedMap"),
            ordered: false, transform: transform)
    }
}

/// The results of a streaming map over an `AsyncSequence` of inputs, from
/// `lazyMap(_:bufferSize:_:)` or `unorderedMap(_:bufferSize:_:)`.
///
/// Iterate with `for try await`; ``results`` gives each item's `Result` instead. Each iteration starts
/// its own run over a fresh iterator of the input. Leaving the loop early (`break`, a thrown error,
/// cancelling the task, releasing the iterator) cancels the items not yet started.
public struct AsyncStreamingMap<Input: AsyncSequence, T: Sendable>: AsyncSequence where Input.Element: Sendable {
    /// The values of the stream.
    public typealias Element = T

    @usableFromInline let submitter: StreamingSubmitter<T>
    @usableFromInline let items: Input
    @usableFromInline let bufferSize: Int
    @usableFromInline let ordered: Bool
    @usableFromInline let transform: @Sendable (Input.Element) throws -> T
    /// The end of every iteration's waits, from the call's `timeout`; `nil` for none.
    @usableFromInline let deadline: Deadline?

    @usableFromInline
    init(
        submitter: StreamingSubmitter<T>, items: Input, bufferSize: Int, ordered: Bool, deadline: Deadline? = nil,
        transform: @escaping @Sendable (Input.Element) throws -> T
    ) {
        self.submitter = submitter
        self.items = items
        self.bufferSize = bufferSize
        self.ordered = ordered
        self.deadline = deadline
        self.transform = transform
    }

    @inlinable
    func makeCursor() -> AsyncStreamingMapCursor<Input.AsyncIterator, T> {
        AsyncStreamingMapCursor(
            input: items.makeAsyncIterator(),
            buffer: StreamingMapBuffer(
                submitter: submitter, bufferSize: bufferSize, ordered: ordered, deadline: deadline),
            transform: transform)
    }

    /// Each item's `Result` rather than its value, so a failing item does not end the stream.
    ///
    /// ```swift
    /// for try await result in pool.lazyMap(jobs) { try run($0) }.results {
    ///     log(result)
    /// }
    /// ```
    ///
    /// An error from the input or from `submit` is yielded once as a failure, after the items before it,
    /// and ends the stream.
    @inlinable
    public var results: Results { Results(base: self) }

    /// Makes an iterator for `for try await`.
    @inlinable
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(cursor: makeCursor()) }

    /// Suspends between values.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline var cursor: AsyncStreamingMapCursor<Input.AsyncIterator, T>

        @inlinable init(cursor: AsyncStreamingMapCursor<Input.AsyncIterator, T>) { self.cursor = cursor }

        /// The next value; see ``next(isolation:)``.
        @inlinable
        public mutating func next() async throws -> T? { try await cursor.nextValue(isolation: nil) }

        /// The next value, awaiting input and results on the caller's actor.
        ///
        /// - Parameter actor: the caller's actor; inferred.
        /// - Returns: the next value; `nil` at the end.
        /// - Throws: the item's own error or the input's error (the stream then ends and the items not
        ///   started are cancelled); `CancellationError` if the task is cancelled while waiting.
        @inlinable
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> T? {
            try await cursor.nextValue(isolation: actor)
        }
    }

    /// Each item's `Result` in the stream's order; see ``AsyncStreamingMap/results``.
    public struct Results: AsyncSequence {
        /// One item's outcome.
        public typealias Element = Result<T, any Error>

        @usableFromInline let base: AsyncStreamingMap

        @inlinable init(base: AsyncStreamingMap) { self.base = base }

        /// Makes an iterator for `for try await`.
        @inlinable
        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(cursor: base.makeCursor()) }

        /// Suspends between results.
        public struct AsyncIterator: AsyncIteratorProtocol {
            @usableFromInline var cursor: AsyncStreamingMapCursor<Input.AsyncIterator, T>

            @inlinable init(cursor: AsyncStreamingMapCursor<Input.AsyncIterator, T>) { self.cursor = cursor }

            /// The next item's result; see ``next(isolation:)``.
            @inlinable
            public mutating func next() async throws -> Result<T, any Error>? {
                try await cursor.nextResult(isolation: nil)
            }

            /// The next item's result, awaiting input and results on the caller's actor.
            ///
            /// - Parameter actor: the caller's actor; inferred.
            /// - Returns: the next item's result; `nil` at the end.
            /// - Throws: `CancellationError` if the task is cancelled while waiting (the items not
            ///   started are cancelled).
            @inlinable
            public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Result<T, any Error>? {
                try await cursor.nextResult(isolation: actor)
            }
        }
    }
}

extension AsyncStreamingMap: Sendable where Input: Sendable {}
extension AsyncStreamingMap.Results: Sendable where Input: Sendable {}
