/// One iteration of a streaming map over an `AsyncSequence`; see ``StreamingMapCursor``. Input is awaited
/// on the consumer's task; an error from it ends the input and is handed out after the items before it.
@usableFromInline
struct AsyncStreamingMapCursor<Input: AsyncIteratorProtocol, T: Sendable> where Input.Element: Sendable {
    @usableFromInline var input: Input
    @usableFromInline let buffer: StreamingMapBuffer<T>
    @usableFromInline let transform: @Sendable (Input.Element) throws -> T

    @inlinable
    init(input: Input, buffer: StreamingMapBuffer<T>, transform: @escaping @Sendable (Input.Element) throws -> T) {
        self.input = input
        self.buffer = buffer
        self.transform = transform
    }

    @inlinable
    mutating func fill(isolation actor: isolated (any Actor)?) async {
        while buffer.wantsInput {
            let item: Input.Element?
            do {
                item = try await input.next(isolation: actor)
            } catch {
                buffer.endInput(with: error)
                return
            }
            guard let item else {
                buffer.endInput()
                return
            }
            let transform = self.transform
            buffer.submit { try transform(item) }
        }
    }

    @inlinable
    mutating func nextResult(isolation actor: isolated (any Actor)?) async throws -> Result<T, any Error>? {
        await fill(isolation: actor)
        return try await buffer.nextAsync(isolation: actor)
    }

    @inlinable
    mutating func nextValue(isolation actor: isolated (any Actor)?) async throws -> T? {
        guard let result = try await nextResult(isolation: actor) else { return nil }
        return try buffer.valueOrFinish(result)
    }
}
