/// A future of any value type, so futures of different types can be waited on together.
///
/// ```swift
/// let size: Future<Int> = try pool.submit { try fileSize(path) }
/// let name: Future<String> = try pool.submit { try hostname() }
/// let (done, _) = wait([AnyFuture(size), AnyFuture(name)], returnWhen: .firstCompleted)
/// if let first = done.first, let sizeFuture = first.as(Int.self) { print(try sizeFuture.result()) }
/// ```
///
/// Two `AnyFuture`s are equal when they wrap the same future.
public struct AnyFuture: Hashable, Sendable {
    let target: any WaitTarget

    /// Wraps `future`.
    public init<Value: Sendable>(_ future: Future<Value>) {
        target = future
    }

    init(target: any WaitTarget) {
        self.target = target
    }

    /// The wrapped future.
    public var base: AnyObject { target }

    /// The wrapped future with its type, or `nil` if its value type is not `Value`.
    public func `as`<Value: Sendable>(_ type: Value.Type) -> Future<Value>? {
        target as? Future<Value>
    }

    /// Whether the future is done: cancelled or finished.
    public var isDone: Bool { target.completionStatus.isDone }

    /// Whether the future was cancelled.
    public var isCancelled: Bool { target.completionStatus == .cancelled }

    /// Whether the future finished with an error (not cancelled); see ``Future/isFailed``.
    public var isFailed: Bool { target.completionStatus == .failed }

    /// Whether the future finished with an error.
    @available(*, deprecated, renamed: "isFailed")
    public var failed: Bool { isFailed }

    /// Cancels the future if its work has not started; see ``Future/cancel()``.
    ///
    /// - Returns: `true` if the future is now cancelled.
    @discardableResult
    public func cancel() -> Bool { target.cancel() }

    /// Whether both wrap the same future.
    public static func == (lhs: AnyFuture, rhs: AnyFuture) -> Bool { lhs.target === rhs.target }

    /// Hashes the wrapped future's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(target)) }
}

extension AnyFuture: WaitElement {
    @usableFromInline
    var waitTarget: any WaitTarget { target }
}
