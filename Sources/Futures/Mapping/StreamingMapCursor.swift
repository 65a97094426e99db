/// One iteration of a streaming map over a `Sequence`: pulls input on the consumer's thread or task only
/// to keep the buffer full, submits one task per item, and takes results from the buffer. Shared by the
/// value and `Result` iterators, sync and async.
@usableFromInline
struct StreamingMapCursor<Input: IteratorProtocol, T: Sendable> where Input.Element: Sendable {
    @usableFromInline var input: Input
    @usableFromInline let buffer: StreamingMapBuffer<T>
    @usableFromInline let transform: @Sendable (Input.Element) throws -> T

    @inlinable
    init(input: Input, buffer: StreamingMapBuffer<T>, transform: @escaping @Sendable (Input.Element) throws -> T) {
        self.input = input
        self.buffer = buffer
        self.transform = transform
    }

    /// Pulls and submits items while the buffer refills (from half empty until `bufferSize` are in
    /// flight) and the input lasts.
    @inlinable
    mutating func fill() {
        while buffer.wantsInput {
            guard let item = input.next() else {
                buffer.endInput()
                return
            }
            let transform = self.transform
            buffer.submit { try transform(item) }
        }
    }

    /// The next item's result, blocking; `nil` at the end.
    @inlinable
    mutating func nextResult() -> Result<T, any Error>? {
        fill()
        return buffer.next()
    }

    /// The next item's value, blocking; a failure ends the stream (cancelling the rest) and is thrown.
    @inlinable
    mutating func nextValue() throws -> T? {
        guard let result = nextResult() else { return nil }
        return try buffer.valueOrFinish(result)
    }

    /// The next item's result, suspending; `nil` at the end. Task cancellation ends the stream.
    @inlinable
    mutating func nextResult(isolation actor: isolated (any Actor)?) async throws -> Result<T, any Error>? {
        fill()
        return try await buffer.nextAsync(isolation: actor)
    }

    /// The next item's value, suspending; a failure ends the stream (cancelling the rest) and is thrown.
    @inlinable
    mutating func nextValue(isolation actor: isolated (any Actor)?) async throws -> T? {
        guard let result = try await nextResult(isolation: actor) else { return nil }
        return try buffer.valueOrFinish(result)
    }
}

extension StreamingMapBuffer {
    /// The value of `result`; on a failure, ends the stream (cancelling the rest) and throws.
    @inlinable
    func valueOrFinish(_ result: Result<T, any Error>) throws -> T {
        do {
            return try result.get()
        } catch {
            finish()
            throw error
        }
    }
}
