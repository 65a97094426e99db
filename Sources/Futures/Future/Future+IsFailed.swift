extension Future {
    /// Whether the work finished with an error: the future is done, not cancelled, and ``error(timeout:)``
    /// would return the error.
    ///
    /// Checks without blocking and without counting as reading the error (a failed future released
    /// unread is still reported, see ``ThreadPoolHooks/unretrievedError``). Like `isCancelled` and
    /// `isDone`, a snapshot: a pending future may fail a moment later.
    ///
    /// ```swift
    /// let failures = futures.filter(\.isFailed).count
    /// ```
    public var isFailed: Bool { completionStatus == .failed }
}
