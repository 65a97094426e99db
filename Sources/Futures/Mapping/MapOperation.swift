/// One call of `map`: splits the items into chunks, submits one task per chunk (one task per item, with no
/// chunk array, when `chunkSize` is 1), and collects the results in order. Shared by every executor's
/// `map`, blocking and async.
///
/// Generic over the executor and `@inlinable`, so that a caller's `map` on a ``ThreadPoolExecutor`` is
/// specialized all the way down to the pool's `submit`: no existential call and no unspecialized generic
/// code per item.
///
/// - Complexity: O(*n*) for *n* items: each future is submitted once and waited on once.
@usableFromInline
struct MapOperation<E: Executor, Element: Sendable, T: Sendable> {
    @usableFromInline let executor: E
    @usableFromInline let elements: [Element]
    @usableFromInline let chunkSize: Int
    @usableFromInline let transform: @Sendable (Element) throws -> T
    /// Whether each task carries the calling task's task-local values (a pool's async `map`; see
    /// ``TaskLocalCarrier``).
    @usableFromInline let carriesTaskLocals: Bool

    @inlinable
    init<S: Sequence>(
        executor: E, items: S, chunkSize: Int, carriesTaskLocals: Bool = false,
        transform: @escaping @Sendable (Element) throws -> T
    ) where S.Element == Element {
        // A pool that carries them on every submit from a task does it already.
        self.carriesTaskLocals =
            carriesTaskLocals && !((executor as? ThreadPoolExecutor)?.core.carriesTaskLocalValues ?? false)
        if chunkSize < 1 {
            fatalError("map: chunkSize must be at least 1, got \(chunkSize)")
        }
        self.executor = executor
        self.elements = Array(items)
        self.chunkSize = chunkSize
        self.transform = transform
    }

    /// Submits every chunk, or every item when `chunkSize` is 1. If a submit fails, cancels the tasks
    /// already submitted and rethrows.
    @inlinable
    func submitAll() throws -> Submitted {
        let transform = self.transform
        if chunkSize == 1 {
            var futures: [Future<T>] = []
            futures.reserveCapacity(elements.count)
            do {
                for element in elements { futures.append(try executor.submit(carried { try transform(element) })) }
            } catch {
                futures.reversed().forEach { $0.abandon() }
                throw error
            }
            return .items(futures)
        }
        var futures: [Future<[T]>] = []
        futures.reserveCapacity((elements.count + chunkSize - 1) / chunkSize)
        do {
            for start in stride(from: 0, to: elements.count, by: chunkSize) {
                let chunk = elements[start..<min(start + chunkSize, elements.count)]
                futures.append(try executor.submit(carried { try chunk.map(transform) }))
            }
        } catch {
            futures.reversed().forEach { $0.abandon() }
            throw error
        }
        return .chunks(futures)
    }

    /// `work`, carrying the calling task's task-local values if this call does.
    @inlinable
    func carried<R: Sendable>(_ work: @escaping @Sendable () throws -> R) -> @Sendable () throws -> R {
        carriesTaskLocals ? TaskLocalCarrier.carrying(work) : work
    }

    /// The tasks of one call: one per item, or one per chunk.
    @usableFromInline
    enum Submitted {
        case items([Future<T>])
        case chunks([Future<[T]>])

        /// Gives up on every task: those not started are cancelled, and no error is reported as unread.
        @inlinable
        func abandon() {
            switch self {
            case .items(let futures): futures.reversed().forEach { $0.abandon() }
            case .chunks(let futures): futures.reversed().forEach { $0.abandon() }
            }
        }
    }

    /// Blocks until every task is done or the deadline passes.
    @inlinable
    func run(deadline: Deadline?) throws -> [T] {
        if elements.isEmpty { return [] }
        let submitted = try submitAll()
        var results: [T] = []
        results.reserveCapacity(elements.count)
        do {
            switch submitted {
            case .items(let futures):
                for future in futures { results.append(try future.waitForResult(until: deadline).get()) }
            case .chunks(let futures):
                for future in futures {
                    results.append(contentsOf: try future.waitForResult(until: deadline).get())
                }
            }
        } catch {
            submitted.abandon()
            throw error
        }
        return results
    }

    /// Suspends until every task is done or the deadline passes. On task cancellation, cancels the tasks
    /// that have not started, waits for the running ones, and throws `CancellationError`.
    @inlinable
    func runWaitingOnCancel(deadline: Deadline?) async throws -> [T] {
        try Task.checkCancellation()
        if elements.isEmpty { return [] }
        let submitted = try submitAll()
        var results: [T] = []
        results.reserveCapacity(elements.count)
        do {
            switch submitted {
            case .items(let futures):
                for future in futures { results.append(try await future.value(until: deadline)) }
            case .chunks(let futures):
                for future in futures { results.append(contentsOf: try await future.value(until: deadline)) }
            }
        } catch {
            switch submitted {
            case .items(let futures):
                futures.reversed().forEach { $0.requestCancellation() }
                if error is CancellationError { for future in futures { _ = await future.completion() } }
            case .chunks(let futures):
                futures.reversed().forEach { $0.requestCancellation() }
                if error is CancellationError { for future in futures { _ = await future.completion() } }
            }
            throw error
        }
        return results
    }
}
