import Testing

@testable import Futures

/// Each queued entry's ticket finds it in O(1) while the ring buffer wraps and grows (issue 14: a worker
/// waiting on its pool's queued work used to search the queue from the back, O(queue) per future).
@Suite("WorkQueue tickets")
struct WorkQueueTicketTests {
    private func task(_ future: Future<Int>) -> WorkItem { .task(future.queuedTask) }

    @Test func aTicketFindsItsEntryAfterWrapsAndGrowth() {
        var queue = WorkQueue()
        var futures: [Future<Int>] = []
        var tickets: [UInt32] = []
        // Wrap the ring a few times before it grows: pop as many as are pushed, then let it fill.
        for round in 0..<5 {
            for index in 0..<10 {
                let future = Future<Int>(work: { index })
                tickets.append(queue.nextTicket)
                futures.append(future)
                queue.append(task(future))
            }
            if round < 4 { for _ in 0..<10 { _ = queue.popFirst() } }
        }
        #expect(queue.count == 10)
        let queued = Array(futures.suffix(10)), queuedTickets = Array(tickets.suffix(10))
        let (removed, counters) = OperationCounters.counting {
            (0..<10).reversed().map { queue.remove(task: queued[$0], ticket: queuedTickets[$0]) }
        }
        #expect(removed.allSatisfy { $0 })
        #expect(counters.queueEntriesExamined == 10, "one entry looked at per removal")
        #expect(queue.popFirst() == nil, "every entry was taken out")
    }

    @Test func aStaleOrForeignTicketFindsNothing() {
        var queue = WorkQueue()
        let first = Future<Int>(work: { 1 }), second = Future<Int>(work: { 2 })
        let firstTicket = queue.nextTicket
        queue.append(task(first))
        let secondTicket = queue.nextTicket
        queue.append(task(second))
        let wrongTicket = queue.remove(task: first, ticket: secondTicket)
        #expect(!wrongTicket, "the ticket of another entry")
        let notQueued = queue.remove(task: Future<Int>(), ticket: firstTicket)
        #expect(!notQueued, "a future that is not queued")
        _ = queue.popFirst()
        let alreadyTaken = queue.remove(task: first, ticket: firstTicket)
        #expect(!alreadyTaken, "an entry already taken")
        let found = queue.remove(task: second, ticket: secondTicket)
        #expect(found)
    }

    @Test func thePoolFindsATaskByItsTicketOnce() throws {
        var machine = PoolStateMachine(maxWorkers: 1)
        let futures = (0..<4).map { index in Future<Int>(work: { index }) }
        for future in futures {
            let task = future.queuedTask
            task.noteTicket(machine.nextTicket)
            _ = try machine.submit(task)
        }
        #expect(futures.map(\.queueTicket) == (0..<4).map { 1 << 30 | $0 }, "the normal lane's tag, then the order")
        let removed = machine.removeQueued(futures[2], ticket: futures[2].queueTicket)
        #expect(removed.removed)
        let again = machine.removeQueued(futures[2], ticket: futures[2].queueTicket)
        #expect(!again.removed, "only once")
        #expect(machine.statistics.queued == 3)
    }
}
