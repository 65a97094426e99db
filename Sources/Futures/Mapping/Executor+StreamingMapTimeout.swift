/// The streaming maps with one deadline for the whole stream: Python's
/// `executor.map(fn, items, timeout=t, buffersize=n)`.
extension Executor {
    /// Maps `transform` over `items` lazily, in input order, as `lazyMap(_:bufferSize:_:)` does,
    /// and gives up if the stream is not done `timeout` after this call.
    ///
    /// ```swift
    /// // Every line checked within two seconds, or none more: the rest is cancelled.
    /// do {
    ///     for try await digest in pool.lazyMap(lines, timeout: .seconds(2), { line in sha256(line) }) {
    ///         print(digest)
    ///     }
    /// } catch FutureError.timedOut {
    ///     print("gave up")
    /// }
    /// ```
    ///
    /// The deadline is measured once, from this call, as in Python (where `timeout` counts from the call
    /// to `Executor.map`), so make the stream where you iterate it. Results already done are handed out
    /// even after the deadline; the first `next()` that would have to *wait* past it ends the stream: it
    /// throws ``FutureError/timedOut`` (``StreamingMap/results`` yields `.failure(FutureError.timedOut)`
    /// once), cancels the items that have not started (their work never runs), and asks the running ones
    /// to stop (``Future/requestCancellation()``, read by the work through ``CurrentWork``); the next
    /// `next()` returns `nil`. No input is pulled or submitted once the deadline has passed. The deadline
    /// bounds the waits for results, not the time `items` itself takes to produce an element.
    ///
    /// - Parameters:
    ///   - items: the inputs; iterated once, lazily, on the consumer's thread or task.
    ///   - timeout: the time from this call after which the stream gives up; `nil` for no limit; zero or
    ///     less gives up at the first wait.
    ///   - bufferSize: the most items submitted and not yet handed to the consumer; `nil` for four times
    ///     the workers of a ``ThreadPoolExecutor`` (four times the active processors for other executors).
    ///     A value of 0 or less stops the program with a message that names it.
    ///   - transform: the function to apply; it runs on the executor's threads, one task per item.
    /// - Returns: a sequence of the results in input order: blocking through ``StreamingMap/makeIterator()``
    ///   and ``StreamingMap/forEach(_:)``, suspending with `for try await`.
    /// - Complexity: O(1) per result, amortized, plus one clock read per item submitted; at most
    ///   `bufferSize` tasks (and their results) are held at once.
    @inlinable
    public func lazyMap<S: Sequence, T: Sendable>(
        _ items: S, timeout: Duration?, bufferSize: Int? = nil, _ transform: @escaping @Sendable (S.Element) throws -> T
    ) -> StreamingMap<S, T> where S.Element: Sendable {
        StreamingMap(
            submitter: StreamingSubmitter(carryingTaskLocalsOn: self), items: items,
            bufferSize: checkedBufferSize(bufferSize, in: "lazyMap"),
            ordered: true, deadline: Deadline.after(timeout), transform: transform)
    }

    /// Maps `transform` over `items` as each result is ready, as `unorderedMap(_:bufferSize:_:)`
    /// does, and gives up if the stream is not done `timeout` after this call.
    ///
    /// ```swift
    /// var sizes = pool.unorderedMap(paths, timeout: .seconds(5)) { try fileSize($0) }.makeIterator()
    /// while let size = try sizes.next() { total += size }   // throws FutureError.timedOut after 5 s
    /// ```
    ///
    /// The deadline works as in `lazyMap(_:timeout:bufferSize:_:)`: measured once from this
    /// call; results already done are handed out first; the first wait past it throws
    /// ``FutureError/timedOut``, cancels what has not started, asks what runs to stop, and ends the stream.
    ///
    /// - Parameters:
    ///   - items: the inputs; iterated once, lazily, on the consumer's thread or task.
    ///   - timeout: the time from this call after which the stream gives up; `nil` for no limit; zero or
    ///     less gives up at the first wait.
    ///   - bufferSize: the most items submitted and not yet handed to the consumer; `nil` picks as
    ///     `lazyMap(_:bufferSize:_:)` does. A value of 0 or less stops the program with a message
    ///     that names it.
    ///   - transform: the function to apply; it runs on the executor's threads, one task per item.
    /// - Returns: a sequence of the results in completion order, blocking or with `for try await`.
    /// - Complexity: O(1) per result, amortized, plus one clock read per item submitted; at most
    ///   `bufferSize` tasks (and their results) are held at once.
    @inlinable
    public func unorderedMap<S: Sequence, T: Sendable>(
        _ items: S, timeout: Duration?, bufferSize: Int? = nil, _ transform: @escaping @Sendable (S.Element) throws -> T
    ) -> StreamingMap<S, T> where S.Element: Sendable {
        StreamingMap(
            submitter: StreamingSubmitter(carryingTaskLocalsOn: self), items: items,
            bufferSize: checkedBufferSize(bufferSize, in: "unorderedMap"),
            ordered: false, deadline: Deadline.after(timeout), transform: transform)
    }

    /// Maps `transform` over an async sequence lazily, in input order, and gives up if the stream is not
    /// done `timeout` after this call.
    ///
    /// As `lazyMap(_:timeout:bufferSize:_:)`, for input that arrives over time: the deadline
    /// bounds the waits for results, and a wait past it throws ``FutureError/timedOut``, cancels what has
    /// not started, asks what runs to stop, and ends the stream. Awaiting `items` for its next element is
    /// not bounded by the deadline.
    ///
    /// - Parameters:
    ///   - items: the inputs; iterated once, lazily, in the consuming task.
    ///   - timeout: the time from this call after which the stream gives up; `nil` for no limit.
    ///   - bufferSize: the most items submitted and not yet handed out; `nil` picks as
    ///     `lazyMap(_:bufferSize:_:)` does. A value of 0 or less stops the program with a message
    ///     that names it.
    ///   - transform: the function to apply; it runs on the executor's threads, one task per item.
    /// - Returns: an `AsyncSequence` of the results in input order.
    /// - Complexity: O(1) per result, amortized, plus one clock read per item submitted; at most
    ///   `bufferSize` tasks are held at once.
    @inlinable
    public func lazyMap<S: AsyncSequence, T: Sendable>(
        _ items: S, timeout: Duration?, bufferSize: Int? = nil, _ transform: @escaping @Sendable (S.Element) throws -> T
    ) -> AsyncStreamingMap<S, T> where S.Element: Sendable {
        AsyncStreamingMap(
            submitter: StreamingSubmitter(carryingTaskLocalsOn: self), items: items,
            bufferSize: checkedBufferSize(bufferSize, in: "lazyMap"),
            ordered: true, deadline: Deadline.after(timeout), transform: transform)
    }

    /// Maps `transform` over an async sequence as each result is ready, and gives up if the stream is not
    /// done `timeout` after this call.
    ///
    /// As `unorderedMap(_:timeout:bufferSize:_:)`, for input that arrives over time; awaiting
    /// `items` for its next element is not bounded by the deadline.
    ///
    /// - Parameters:
    ///   - items: the inputs; iterated once, lazily, in the consuming task.
    ///   - timeout: the time from this call after which the stream gives up; `nil` for no limit.
    ///   - bufferSize: the most items submitted and not yet handed out; `nil` picks as
    ///     `lazyMap(_:bufferSize:_:)` does. A value of 0 or less stops the program with a message
    ///     that names it.
    ///   - transform: the function to apply; it runs on the executor's threads, one task per item.
    /// - Returns: an `AsyncSequence` of the results in completion order.
    /// - Complexity: O(1) per result, amortized, plus one clock read per item submitted; at most
    ///   `bufferSize` tasks are held at once.
    @inlinable
    public func unorderedMap<S: AsyncSequence, T: Sendable>(
        _ items: S, timeout: Duration?, bufferSize: Int? = nil, _ transform: @escaping @Sendable (S.Element) throws -> T
    ) -> AsyncStreamingMap<S, T> where S.Element: Sendable {
        AsyncStreamingMap(
            submitter: StreamingSubmitter(carryingTaskLocalsOn: self), items: items,
            bufferSize: checkedBufferSize(bufferSize, in: "unorderedMap"),
            ordered: false, deadline: Deadline.after(timeout), transform: transform)
    }
}
