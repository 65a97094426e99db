extension Future {
    /// A future for `transform` applied to this future's value, chained without blocking any thread.
    ///
    /// ```swift
    /// let bytes: Future<Data> = try pool.submit { try Data(contentsOf: url) }
    /// let lineCount: Future<Int> = bytes.map { data in data.split(separator: 10).count }
    /// print(try await lineCount.value)
    /// ```
    ///
    /// `transform` runs once this future finishes with a value: on the thread that completes it (a pool
    /// worker, or the caller of `setResult`), or at once on this thread if it is already done. Keep it
    /// short, since it holds that thread; for heavy work use ``flatMap(_:)`` with `pool.submit`.
    ///
    /// The new future is *pending* until this one is done, then *running* while `transform` runs, then
    /// *finished* with its value or error. If this future fails, the new one fails with the same error
    /// and `transform` does not run; if this one is cancelled, the new one is cancelled.
    ///
    /// Cancelling the new future while it is pending also cancels this one if its work has not started
    /// (a chain is cancelled from its end, so `mapped.cancel()` stops the queued work it waits on). Do not
    /// cancel a derived future if others still need this one's result.
    ///
    /// - Parameter transform: turns the value into the new future's value; an error it throws becomes the
    ///   new future's error.
    /// - Returns: a future for the transformed value.
    public func map<NewValue: Sendable>(
        _ transform: @escaping @Sendable (Value) throws -> NewValue
    ) -> Future<NewValue> {
        let derived = Future<NewValue>()
        derived.cancelSourceWhenCancelled(self)
        addDoneCallback { source in
            derived.complete(after: source) { value in
                try? derived.complete(Result { try transform(value) }, by: "map")
            }
        }
        return derived
    }

    /// A future for the future that `transform` makes from this future's value, chained without blocking
    /// any thread.
    ///
    /// ```swift
    /// let path: Future<String> = try pool.submit { try findConfigPath() }
    /// let config: Future<Config> = path.flatMap { path in try pool.submit { try parseConfig(at: path) } }
    /// let value = try await config.value
    /// ```
    ///
    /// `transform` runs where ``map(_:)``'s does: on the thread that completes this future. It returns
    /// the next stage, typically work submitted to a pool, so heavy work does not hold that thread. The
    /// new future finishes with that stage's value or error; if the stage is cancelled, the new future
    /// fails with ``FutureError/cancelled`` (it is already running, so it cannot be cancelled itself).
    ///
    /// The new future is *pending* until this one is done, then *running* until the stage `transform`
    /// returned is done. Failures and cancellation pass along as in ``map(_:)``; cancelling the new future
    /// while it is pending cancels this one if its work has not started. Once running it cannot be
    /// cancelled; cancel the inner stage itself if you hold it.
    ///
    /// - Parameter transform: makes the next stage from the value; an error it throws becomes the new
    ///   future's error.
    /// - Returns: a future for the next stage's value.
    public func flatMap<NewValue: Sendable>(
        _ transform: @escaping @Sendable (Value) throws -> Future<NewValue>
    ) -> Future<NewValue> {
        let derived = Future<NewValue>()
        derived.cancelSourceWhenCancelled(self)
        addDoneCallback { source in
            derived.complete(after: source) { value in
                let stage: Future<NewValue>
                do {
                    stage = try transform(value)
                } catch {
                    try? derived.complete(.failure(error), by: "flatMap")
                    return
                }
                stage.addDoneCallback { stage in
                    if stage.isCancelled {
                        try? derived.complete(.failure(FutureError.cancelled), by: "flatMap")
                    } else if let result = stage.doneOutcome {
                        try? derived.complete(result, by: "flatMap")
                    }
                }
            }
        }
        return derived
    }

    /// Cancels `source` if it has not started when this derived future is cancelled.
    private func cancelSourceWhenCancelled<Source: Sendable>(_ source: Future<Source>) {
        addDoneCallback { [weak source] derived in
            if derived.isCancelled { source?.cancel() }
        }
    }

    /// Moves this derived future on once `source` is done: cancels it if the source was cancelled; fails
    /// it with the source's error; otherwise marks it running and calls `next` with the value, unless it
    /// was cancelled meanwhile.
    private func complete<Source>(after source: Future<Source>, _ next: (Source) -> Void) {
        if source.isCancelled {
            cancel()
            return
        }
        switch source.doneOutcome {
        case nil:
            return
        case .failure(let error):
            try? self.complete(.failure(error), by: "a chained future")
        case .success(let value):
            // `false`: this derived future was cancelled; the transform must not run.
            guard (try? setRunningOrNotifyCancel()) == true else { return }
            next(value)
        }
    }
}
