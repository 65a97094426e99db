import Synchronization

/// Counts of the work the library does for one caller, for tests that check how cost grows with the number
/// of futures: a group operation over *n* futures must cost O(*n*), never O(*n*²).
///
/// Counting happens only in debug builds, and only inside ``counting(_:)``, which binds the counters as a
/// task-local value (on a plain thread, to that thread): the calls the body makes on its own thread or
/// task are counted, not the work of pool workers. Everywhere else a debug build pays one task-local read
/// per counted event; a release build pays nothing, as the calls are compiled out.
@usableFromInline
final class OperationCounters: Sendable {
    private let statusReadCount = Atomic<Int>(0)
    private let lockCount = Atomic<Int>(0)
    private let queueEntryCount = Atomic<Int>(0)

    /// Reads of a future's completion status (`Future.completionStatus`).
    var statusReads: Int { statusReadCount.load(ordering: .relaxed) }
    /// Acquisitions of the library's locks: a future's, a waiter's, the pool's.
    var lockAcquisitions: Int { lockCount.load(ordering: .relaxed) }
    /// Queue entries a waiting worker looked at to find a task it wants to run itself.
    var queueEntriesExamined: Int { queueEntryCount.load(ordering: .relaxed) }

    /// Everything counted.
    var total: Int { statusReads + lockAcquisitions + queueEntriesExamined }

    init() {}

    @TaskLocal static var current: OperationCounters?

    /// Runs `body` with fresh counters bound to it and returns them with its result.
    static func counting<R>(_ body: () throws -> R) rethrows -> (result: R, counters: OperationCounters) {
        let counters = OperationCounters()
        return (try $current.withValue(counters) { try body() }, counters)
    }

    /// Runs async `body` with fresh counters bound to it and returns them with its result.
    static func counting<R>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R
    ) async rethrows -> (result: R, counters: OperationCounters) {
        let counters = OperationCounters()
        return (try await $current.withValue(counters) { try await body() }, counters)
    }

    /// Counts a status read, in debug builds.
    @inlinable @inline(__always)
    static func countStatusRead() {
        #if DEBUG
            record(.statusRead)
        #endif
    }

    /// Counts a lock acquisition, in debug builds.
    @inlinable @inline(__always)
    static func countLockAcquisition() {
        #if DEBUG
            record(.lock)
        #endif
    }

    /// Counts queue entries looked at, in debug builds.
    @inlinable @inline(__always)
    static func countQueueEntriesExamined(_ count: Int = 1) {
        #if DEBUG
            record(.queueEntry, count)
        #endif
    }

    /// What ``record(_:_:)`` counts.
    @usableFromInline
    enum Kind { case statusRead, lock, queueEntry }

    @usableFromInline
    static func record(_ kind: Kind, _ count: Int = 1) {
        guard let counters = current else { return }
        switch kind {
        case .statusRead: counters.statusReadCount.wrappingAdd(count, ordering: .relaxed)
        case .lock: counters.lockCount.wrappingAdd(count, ordering: .relaxed)
        case .queueEntry: counters.queueEntryCount.wrappingAdd(count, ordering: .relaxed)
        }
    }
}
