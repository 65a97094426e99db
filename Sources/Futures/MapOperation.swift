/// One call of `map`: splits the items into chunks, submits one task per chunk, and collects the results
/// in order. Shared by every executor's `map`, blocking and async.
struct MapOperation<Element: Sendable, T: Sendable> {
    private let executor: any Executor
    private let elements: [Element]
    private let chunkSize: Int
    private let transform: @Sendable (Element) throws -> T

    init<S: Sequence>(
        executor: any Executor, items: S, chunkSize: Int,
        transform: @escaping @Sendable (Element) throws -> T
    ) where S.Element == Element {
        // fatalError, not precondition: its message is printed in release builds too.
        if chunkSize < 1 { fatalError("map: chunkSize must be at least 1, got \(chunkSize)") }
        self.executor = executor
        self.elements = Array(items)
        self.chunkSize = chunkSize
        self.transform = transform
    }

    /// Submits every chunk. If a submit fails, cancels the chunks already submitted and rethrows.
    func submitChunks() throws -> [Future<[T]>] {
        var futures: [Future<[T]>] = []
        futures.reserveCapacity((elements.count + chunkSize - 1) / chunkSize)
        let transform = self.transform
        do {
            for start in stride(from: 0, to: elements.count, by: chunkSize) {
                let chunk = elements[start..<min(start + chunkSize, elements.count)]
                futures.append(try executor.submit { try chunk.map(transform) })
            }
        } catch {
            futures.forEach { $0.abandon() }
            throw error
        }
        return futures
    }

    /// Blocks until every chunk is done or the deadline passes.
    func run(deadline: Deadline?) throws -> [T] {
        if elements.isEmpty { return [] }
        let futures = try submitChunks()
        var results: [T] = []
        results.reserveCapacity(elements.count)
        do {
            for future in futures {
                results.append(contentsOf: try future.waitForResult(until: deadline).get())
            }
        } catch {
            futures.forEach { $0.abandon() }
            throw error
        }
        return results
    }

    /// Suspends until every chunk is done or the deadline passes; cancelling the task cancels the chunks
    /// that have not started and throws `CancellationError`.
    func run(deadline: Deadline?) async throws -> [T] {
        if elements.isEmpty { return [] }
        let futures = try submitChunks()
        var results: [T] = []
        results.reserveCapacity(elements.count)
        do {
            for future in futures {
                results.append(contentsOf: try await future.value(until: deadline))
            }
        } catch {
            futures.forEach { $0.abandon() }
            throw error
        }
        return results
    }
}
