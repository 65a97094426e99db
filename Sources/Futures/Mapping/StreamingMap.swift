extension Executor {
    /// Maps `transform` over `items` on the executor lazily, in input order, with at most `bufferSize`
    /// items in flight.
    ///
    /// ```swift
    /// // Any sequence, even an endless one: input is pulled only as results are taken.
    /// let lines = sequence(state: file) { $0.readLine() }
    /// for try await digest in pool.lazyMap(lines, bufferSize: 16, { line in sha256(line) }) {
    ///     print(digest)
    /// }
    ///
    /// // Blocking:
    /// var digests = pool.lazyMap(lines, bufferSize: 16) { line in sha256(line) }.makeIterator()
    /// while let digest = try digests.next() { print(digest) }
    ///
    /// // One failure does not end the stream:
    /// for result in pool.lazyMap(urls) { url in try fetch(url) }.results {
    ///     switch result {
    ///     case .success(let page): print(page.count)
    ///     case .failure(let error): print("skipped:", error)
    ///     }
    /// }
    /// ```
    ///
    /// Nothing runs until the first `next()`. The first `next()` pulls items from `items` (on the
    /// consumer's thread or task) and submits one task per item until `bufferSize` items are submitted
    /// and not yet handed out, then waits for the oldest. Later, once half of those have been handed out,
    /// a `next()` tops the buffer up to `bufferSize` again in one burst (rather than one item per result
    /// taken, which would wake an idle worker per item and let the tasks end one at a time). So memory
    /// stays bounded by `bufferSize` however long the input, at least half of `bufferSize` items stay in
    /// flight, and the input is never read ahead of what the consumer asked for by more than `bufferSize`
    /// items. This is `Executor.map(fn, *iterables, buffersize=n)` of Python 3.14, which refills one
    /// item per result.
    ///
    /// A failing item surfaces at its position: the iterator throws its error, cancels the items that
    /// have not started, and ends. Iterate ``StreamingMap/results`` instead to get each item's `Result`
    /// and go on after a failure. Leaving the loop early (`break`, a thrown error, releasing the
    /// iterator) cancels the items that have not started; their work never runs. If the executor's
    /// `submit` throws (after shutdown), the items submitted before come first, then that error, then
    /// the end.
    ///
    /// - Parameters:
    ///   - items: the inputs; iterated once, lazily, on the consumer's thread or task.
    ///   - bufferSize: the most items submitted and not yet handed to the consumer; `nil` for four times
    ///     the workers of a ``ThreadPoolExecutor`` (four times the active processors for other executors).
    ///     A value of 0 or less stops the program with a message that names it.
    ///   - transform: the function to apply; it runs on the executor's threads, one task per item.
    /// - Returns: a sequence of the results in input order: blocking through ``StreamingMap/makeIterator()``
    ///   and ``StreamingMap/forEach(_:)``, suspending with `for try await`.
    /// - Complexity: O(1) per result, amortized; at most `bufferSize` tasks (and their results) are held at once.
    @inlinable
    public func lazyMap<S: Sequence, T: Sendable>(
        _ items: S, bufferSize: Int? = nil, _ transform: @escaping @Sendable (S.Element) throws -> T
    ) -> StreamingMap<S, T> where S.Element: Sendable {
        StreamingMap(
            submitter: StreamingSubmitter(carryingTaskLocalsOn: self), items: items,
            bufferSize: checkedBufferSize(bufferSize, in: "lazyMap"),
            ordered: true, transform: transform)
    }
}

/// The results of a streaming map over a `Sequence`, from `lazyMap(_:bufferSize:_:)` (input
/// order) or `unorderedMap(_:bufferSize:_:)` (completion order).
///
/// Each iteration starts its own run: it submits the items afresh. Iterate it once.
///
/// - Blocking: `var it = stream.makeIterator(); while let value = try it.next() { … }`, or
///   ``forEach(_:)``. Not a `Sequence`, whose `next()` cannot throw.
/// - Async: `for try await value in stream { … }`; the task suspends between results, and cancelling it
///   ends the stream with `CancellationError`, cancelling the items not yet started.
/// - ``results``: each item's `Result`, so one failure does not end the stream; a `Sequence` and an
///   `AsyncSequence`.
public struct StreamingMap<Input: Sequence, T: Sendable>: AsyncSequence where Input.Element: Sendable {
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
    func makeCursor() -> StreamingMapCursor<Input.Iterator, T> {
        StreamingMapCursor(
            input: items.makeIterator(),
            buffer: StreamingMapBuffer(
                submitter: submitter, bufferSize: bufferSize, ordered: ordered, deadline: deadline),
            transform: transform)
    }

    /// Each item's `Result` rather than its value, so a failing item does not end the stream.
    ///
    /// ```swift
    /// for result in pool.lazyMap(paths) { try fileSize($0) }.results {
    ///     if case .success(let size) = result { total += size }
    /// }
    /// ```
    ///
    /// A cancelled item (for example by `shutdown(cancelFutures: true)`) yields
    /// `.failure(FutureError.cancelled)`. An error from `submit` is yielded once, after the items before
    /// it, and ends the stream.
    @inlinable
    public var results: Results { Results(base: self) }

    /// Makes a blocking iterator.
    @inlinable
    public func makeIterator() -> Iterator { Iterator(cursor: makeCursor()) }

    /// Makes an iterator for `for try await`.
    @inlinable
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(cursor: makeCursor()) }

    /// Calls `body` with each value, blocking between them.
    ///
    /// ```swift
    /// try pool.lazyMap(paths, bufferSize: 8) { try checksum($0) }.forEach { print($0) }
    /// ```
    ///
    /// - Parameter body: called on this thread with each value; an error it throws ends the stream,
    ///   cancels the items not yet started, and is rethrown.
    /// - Throws: the first failure in stream order, or what `body` throws.
    @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
    @inlinable
    public func forEach(_ body: (T) throws -> Void) throws {
        var iterator = makeIterator()
        while let value = try iterator.next() { try body(value) }
    }

    /// Blocks between values.
    public struct Iterator {
        @usableFromInline var cursor: StreamingMapCursor<Input.Iterator, T>

        @inlinable init(cursor: StreamingMapCursor<Input.Iterator, T>) { self.cursor = cursor }

        /// The next value, pulling and submitting input as needed.
        ///
        /// - Returns: the next value; `nil` at the end.
        /// - Throws: the item's own error (the stream then ends and the items not started are
        ///   cancelled); ``FutureError/cancelled`` if the item was cancelled; what `submit` threw.
        @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
        @inlinable
        public mutating func next() throws -> T? { try cursor.nextValue() }
    }

    /// Suspends between values.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline var cursor: StreamingMapCursor<Input.Iterator, T>

        @inlinable init(cursor: StreamingMapCursor<Input.Iterator, T>) { self.cursor = cursor }

        /// The next value; see ``next(isolation:)``.
        @inlinable
        public mutating func next() async throws -> T? { try await cursor.nextValue(isolation: nil) }

        /// The next value, suspending until it is ready; runs on the caller's actor.
        ///
        /// - Parameter actor: the caller's actor; inferred.
        /// - Returns: the next value; `nil` at the end.
        /// - Throws: the item's own error (the stream then ends and the items not started are
        ///   cancelled); `CancellationError` if the task is cancelled while waiting.
        @inlinable
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> T? {
            try await cursor.nextValue(isolation: actor)
        }
    }

    /// Each item's `Result` in the stream's order; see ``StreamingMap/results``.
    public struct Results: Sequence, AsyncSequence {
        /// One item's outcome.
        public typealias Element = Result<T, any Error>

        @usableFromInline let base: StreamingMap

        @inlinable init(base: StreamingMap) { self.base = base }

        /// Makes a blocking iterator.
        @inlinable
        public func makeIterator() -> Iterator { Iterator(cursor: base.makeCursor()) }

        /// Makes an iterator for `for try await`.
        @inlinable
        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(cursor: base.makeCursor()) }

        /// Blocks between results.
        public struct Iterator: IteratorProtocol {
            @usableFromInline var cursor: StreamingMapCursor<Input.Iterator, T>

            @inlinable init(cursor: StreamingMapCursor<Input.Iterator, T>) { self.cursor = cursor }

            /// The next item's result; `nil` at the end.
            @available(*, noasync, message: "blocks the thread; use 'for try await' in async code")
            @inlinable
            public mutating func next() -> Result<T, any Error>? { cursor.nextResult() }
        }

        /// Suspends between results.
        public struct AsyncIterator: AsyncIteratorProtocol {
            @usableFromInline var cursor: StreamingMapCursor<Input.Iterator, T>

            @inlinable init(cursor: StreamingMapCursor<Input.Iterator, T>) { self.cursor = cursor }

            /// The next item's result; see ``next(isolation:)``.
            @inlinable
            public mutating func next() async throws -> Result<T, any Error>? {
                try await cursor.nextResult(isolation: nil)
            }

            /// The next item's result, suspending until it is ready; runs on the caller's actor.
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

extension StreamingMap: Sendable where Input: Sendable {}
extension StreamingMap.Results: Sendable where Input: Sendable {}
