import Synchronization

/// A handler registered with ``CurrentWork/withCancellationHandler(operation:onCancel:)``: run at most once,
/// by whichever comes first of a request to the running future, a cancelling shutdown of its pool, or the
/// registration itself when the request came before it; and never after its scope has closed it.
@usableFromInline
final class CancellationHandler: Sendable {
    private static let idle: UInt8 = 0
    private static let running: UInt8 = 1
    private static let finished: UInt8 = 2

    private let body: @Sendable () -> Void
    private let phase = Atomic<UInt8>(CancellationHandler.idle)

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
    }

    /// Runs the handler unless it ran already or its scope closed. Called with no lock held.
    func run() {
        guard phase.compareExchange(expected: Self.idle, desired: Self.running, ordering: .acquiring).exchanged
        else { return }
        body()
        phase.store(Self.finished, ordering: .releasing)
    }

    /// The scope ends: the handler will not start from now on, and if another thread is running it, waits
    /// for it to return (handlers are short by contract), so that it never acts after its operation is over.
    func close() {
        while !phase.compareExchange(expected: Self.idle, desired: Self.finished, ordering: .acquiring).exchanged,
            phase.load(ordering: .acquiring) == Self.running
        {
            PlatformThread.yield()
        }
    }
}
