extension Executor {
    /// Runs every task and returns each one's `Result`, in task order, once all are done. Java's
    /// `ExecutorService.invokeAll`.
    ///
    /// ```swift
    /// let checks: [@Sendable () throws -> Bool] = hosts.map { host in { try ping(host) } }
    /// let results = try pool.invokeAll(checks)
    /// for case .failure(let error) in results { print(error) }
    /// ```
    ///
    /// Unlike ``Executor/map(_:timeout:chunkSize:_:)-7a4vk``, one task's failure does not stop the call: every task's
    /// outcome is collected. A task cancelled by someone else (a shutdown) yields
    /// `.failure(FutureError.cancelled)`. On a time-out, every task that has not started is cancelled
    /// and ``FutureError/timedOut`` is thrown; running tasks finish on their own.
    ///
    /// - Parameters:
    ///   - tasks: the closures to run, one task each, on the executor's threads.
    ///   - timeout: one deadline for the whole call, measured from the call; `nil` waits as long as it
    ///     takes.
    /// - Returns: each task's value or error, in the order of `tasks`.
    /// - Throws: ``FutureError/timedOut`` if the deadline passes first; what ``submit(_:)`` throws (the
    ///   tasks already submitted are then cancelled if not started).
    /// - Complexity: O(*n*) for *n* tasks: each is submitted once and waited on once.
    @available(*, noasync, message: "blocks the thread; use the async overload of invokeAll in async code")
    @inlinable
    public func invokeAll<T: Sendable>(
        _ tasks: [@Sendable () throws -> T], timeout: Duration? = nil
    ) throws -> [Result<T, any Error>] {
        let deadline = Deadline.after(timeout)
        let futures = try submitAll(tasks)
        do {
            return try futures.map { future throws(FutureError) in try future.outcome(until: deadline) }
        } catch {
            futures.reversed().forEach { $0.requestCancellation() }
            throw error
        }
    }

    /// Runs every task and returns each one's `Result`, in task order, suspending until all are done.
    ///
    /// ```swift
    /// let results = try await pool.invokeAll(paths.map { path in { @Sendable in try parse(path) } })
    /// ```
    ///
    /// The async form of `invokeAll(_:timeout:)`. Cancelling the task cancels every task that
    /// has not started and throws `CancellationError`.
    ///
    /// - Parameters:
    ///   - tasks: the closures to run, one task each, on the executor's threads.
    ///   - timeout: one deadline for the whole call; `nil` waits as long as it takes.
    /// - Returns: each task's value or error, in the order of `tasks`.
    /// - Throws: ``FutureError/timedOut``; `CancellationError`; what ``submit(_:)`` throws.
    /// - Complexity: O(*n*) for *n* tasks: each is submitted once and waited on once.
    @inlinable
    public func invokeAll<T: Sendable>(
        _ tasks: [@Sendable () throws -> T], timeout: Duration? = nil
    ) async throws -> [Result<T, any Error>] {
        let deadline = Deadline.after(timeout)
        let futures = try submitAll(tasks)
        do {
            var results: [Result<T, any Error>] = []
            results.reserveCapacity(futures.count)
            for future in futures { results.append(try await future.outcome(until: deadline)) }
            return results
        } catch {
            futures.reversed().forEach { $0.requestCancellation() }
            throw error
        }
    }

    /// Runs every task and returns the value of the first to succeed, cancelling the others. Java's
    /// `ExecutorService.invokeAny`.
    ///
    /// ```swift
    /// // Ask three mirrors; take whichever answers first.
    /// let page = try pool.invokeAny(mirrors.map { mirror in { @Sendable in try fetch(mirror) } })
    /// ```
    ///
    /// "First" is completion order. As soon as one task succeeds, every task that has not started is
    /// cancelled (their work never runs); tasks already running cannot be stopped and finish on their
    /// own, their results dropped. Failures are skipped while another task may still succeed. The same
    /// cancelling happens on a time-out.
    ///
    /// - Parameters:
    ///   - tasks: the closures to run, one task each, on the executor's threads.
    ///   - timeout: one deadline for the whole call, measured from the call; `nil` waits as long as it
    ///     takes.
    /// - Returns: the value of the first task to succeed.
    /// - Throws: ``AllFailedError`` with every task's error, in task order, when none succeeds (also when
    ///   `tasks` is empty); ``FutureError/timedOut`` if the deadline passes first; what ``submit(_:)``
    ///   throws.
    /// - Complexity: O(*n*) for *n* tasks, plus O(1) per completion until the first success.
    @available(*, noasync, message: "blocks the thread; use the async overload of invokeAny in async code")
    public func invokeAny<T: Sendable>(_ tasks: [@Sendable () throws -> T], timeout: Duration? = nil) throws -> T {
        let deadline = Deadline.after(timeout)
        let futures = try submitAll(tasks)
        defer { futures.reversed().forEach { $0.requestCancellation() } }
        var failures = FailureCollector(futures)
        let stream = CompletionStream(futures, deadline: deadline)
        while let future = try stream.next() {
            if let value = failures.valueOrRecord(future) { return value }
        }
        throw failures.error
    }

    /// Runs every task and returns the value of the first to succeed, cancelling the others, suspending
    /// while it waits.
    ///
    /// ```swift
    /// let address = try await pool.invokeAny(resolvers.map { resolver in { @Sendable in try resolver.lookup(host) } })
    /// ```
    ///
    /// The async form of `invokeAny(_:timeout:)`. Cancelling the task cancels every task that has
    /// not started and throws `CancellationError`.
    ///
    /// - Parameters:
    ///   - tasks: the closures to run, one task each, on the executor's threads.
    ///   - timeout: one deadline for the whole call; `nil` waits as long as it takes.
    /// - Returns: the value of the first task to succeed.
    /// - Throws: ``AllFailedError`` when none succeeds; ``FutureError/timedOut``; `CancellationError`;
    ///   what ``submit(_:)`` throws.
    /// - Complexity: O(*n*) for *n* tasks, plus O(1) per completion until the first success.
    public func invokeAny<T: Sendable>(
        _ tasks: [@Sendable () throws -> T], timeout: Duration? = nil
    ) async throws -> T {
        let deadline = Deadline.after(timeout)
        let futures = try submitAll(tasks)
        defer { futures.reversed().forEach { $0.requestCancellation() } }
        var failures = FailureCollector(futures)
        let stream = CompletionStream(futures, deadline: deadline)
        while let future = try await stream.nextAsync() {
            if let value = failures.valueOrRecord(future) { return value }
        }
        throw failures.error
    }

    /// Runs every task given inline and returns each one's `Result`, in argument order, once all are
    /// done; see `invokeAll(_:timeout:)`.
    ///
    /// ```swift
    /// let results = try pool.invokeAll({ try loadConfig() }, { try loadConfig(fallback: true) })
    /// ```
    ///
    /// - Parameters:
    ///   - tasks: the closures to run, one task each.
    ///   - timeout: one deadline for the whole call; `nil` waits as long as it takes.
    /// - Returns: each task's value or error, in argument order.
    /// - Throws: ``FutureError/timedOut``; what ``submit(_:)`` throws.
    /// - Complexity: O(*n*) for *n* tasks: each is submitted once and waited on once.
    @available(*, noasync, message: "blocks the thread; use the async overload of invokeAll in async code")
    public func invokeAll<T: Sendable>(
        _ tasks: @Sendable () throws -> T..., timeout: Duration? = nil
    ) throws -> [Result<T, any Error>] {
        try invokeAll(tasks, timeout: timeout)
    }

    /// Runs every task given inline and returns each one's `Result`, suspending until all are done; see
    /// `invokeAll(_:timeout:)`.
    ///
    /// ```swift
    /// let results = try await pool.invokeAll({ try readA() }, { try readB() })
    /// ```
    ///
    /// - Parameters:
    ///   - tasks: the closures to run, one task each.
    ///   - timeout: one deadline for the whole call; `nil` waits as long as it takes.
    /// - Returns: each task's value or error, in argument order.
    /// - Throws: ``FutureError/timedOut``; `CancellationError`; what ``submit(_:)`` throws.
    /// - Complexity: O(*n*) for *n* tasks: each is submitted once and waited on once.
    public func invokeAll<T: Sendable>(
        _ tasks: @Sendable () throws -> T..., timeout: Duration? = nil
    ) async throws -> [Result<T, any Error>] {
        try await invokeAll(tasks, timeout: timeout)
    }

    /// Runs every task given inline and returns the value of the first to succeed, cancelling the
    /// others; see `invokeAny(_:timeout:)`.
    ///
    /// ```swift
    /// let page = try pool.invokeAny({ try fetch(primary) }, { try fetch(mirror) })
    /// ```
    ///
    /// - Parameters:
    ///   - tasks: the closures to run, one task each.
    ///   - timeout: one deadline for the whole call; `nil` waits as long as it takes.
    /// - Returns: the value of the first task to succeed.
    /// - Throws: ``AllFailedError`` when none succeeds; ``FutureError/timedOut``; what ``submit(_:)``
    ///   throws.
    /// - Complexity: O(*n*) for *n* tasks, plus O(1) per completion until the first success.
    @available(*, noasync, message: "blocks the thread; use the async overload of invokeAny in async code")
    public func invokeAny<T: Sendable>(_ tasks: @Sendable () throws -> T..., timeout: Duration? = nil) throws -> T {
        try invokeAny(tasks, timeout: timeout)
    }

    /// Runs every task given inline and returns the value of the first to succeed, cancelling the
    /// others, suspending while it waits; see `invokeAny(_:timeout:)`.
    ///
    /// ```swift
    /// let address = try await pool.invokeAny({ try dnsA.lookup(host) }, { try dnsB.lookup(host) })
    /// ```
    ///
    /// - Parameters:
    ///   - tasks: the closures to run, one task each.
    ///   - timeout: one deadline for the whole call; `nil` waits as long as it takes.
    /// - Returns: the value of the first task to succeed.
    /// - Throws: ``AllFailedError`` when none succeeds; ``FutureError/timedOut``; `CancellationError`;
    ///   what ``submit(_:)`` throws.
    /// - Complexity: O(*n*) for *n* tasks, plus O(1) per completion until the first success.
    public func invokeAny<T: Sendable>(
        _ tasks: @Sendable () throws -> T..., timeout: Duration? = nil
    ) async throws -> T {
        try await invokeAny(tasks, timeout: timeout)
    }

    /// Submits every task; if a submit throws, cancels those already submitted and rethrows.
    @inlinable
    func submitAll<T: Sendable>(_ tasks: [@Sendable () throws -> T]) throws -> [Future<T>] {
        var futures: [Future<T>] = []
        futures.reserveCapacity(tasks.count)
        do {
            for task in tasks { futures.append(try submit(task)) }
        } catch {
            futures.reversed().forEach { $0.cancel() }
            throw error
        }
        return futures
    }
}

/// The failures `invokeAny` has seen, kept by task so the final error lists them in task order.
private struct FailureCollector<T: Sendable> {
    let futures: [Future<T>]
    var failures: [ObjectIdentifier: any Error] = [:]

    init(_ futures: [Future<T>]) { self.futures = futures }

    /// The value of a done future, or `nil` after recording its failure.
    mutating func valueOrRecord(_ future: Future<T>) -> T? {
        switch future.doneOutcome {
        case .success(let value): return value
        case .failure(let error): failures[ObjectIdentifier(future)] = error
        case nil: break
        }
        return nil
    }

    var error: AllFailedError {
        AllFailedError(errors: futures.map { failures[ObjectIdentifier($0)] ?? FutureError.cancelled })
    }
}
