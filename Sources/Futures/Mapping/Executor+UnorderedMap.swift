extension Executor {
    /// Maps `transform` over `items` on the executor lazily, yielding results in the order they
    /// complete, with at most `bufferSize` items in flight.
    ///
    /// ```swift
    /// for try await thumbnail in pool.unorderedMap(imagePaths, bufferSize: 8, { try makeThumbnail($0) }) {
    ///     save(thumbnail)   // whichever finishes first
    /// }
    /// ```
    ///
    /// Python's `Pool.imap_unordered`. Bounds, input pulling, failures and cancellation are as for
    /// `lazyMap(_:bufferSize:_:)`, except that a result is handed out as soon as its item is done, and
    /// a failure surfaces when its item completes. Results that complete together come in the order the
    /// executor finished them; items that are done before the consumer asks keep that order too. To tell
    /// results apart, return the input with them: `{ path in (path, try load(path)) }`.
    ///
    /// On a worker of a ``ThreadPoolExecutor`` consuming a stream of its own pool, items still queued in
    /// that pool run on the consumer's thread rather than deadlock.
    ///
    /// - Parameters:
    ///   - items: the inputs; iterated once, lazily, on the consumer's thread or task.
    ///   - bufferSize: the most items submitted and not yet handed to the consumer; `nil` for four times
    ///     the workers of a ``ThreadPoolExecutor``. A value of 0 or less stops the program with a message
    ///     that names it.
    ///   - transform: the function to apply; it runs on the executor's threads, one task per item.
    /// - Returns: a sequence of the results in completion order; see ``StreamingMap``.
    /// - Complexity: O(1) per result, amortized; at most `bufferSize` tasks (and their results) are held at once.
    @inlinable
    public func unorderedMap<S: Sequence, T: Sendable>(
        _ items: S, bufferSize: Int? = nil, _ transform: @escaping @Sendable (S.Element) throws -> T
    ) -> StreamingMap<S, T> where S.Element: Sendable {
        StreamingMap(
            submitter: StreamingSubmitter(carryingTaskLocalsOn: self), items: items,
            bufferSize: checkedBufferSize(bufferSize, in: "unorderedMap"),
            ordered: false, transform: transform)
    }
}
