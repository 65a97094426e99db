import Testing

@testable import Futures

/// The queue's priority lanes (issue 19): highest lane first, first in first out within a lane, no lane
/// starved past ``WorkLanes/passLimit``, tickets that find an entry in any lane, runs taken only from a
/// lane that is alone.
@Suite("Work lanes")
struct WorkLanesTests {
    /// A queue entry that says which test item it is.
    private final class Tag: Sendable {
        let lane: WorkPriority
        let index: Int
        init(_ lane: WorkPriority, _ index: Int) {
            self.lane = lane
            self.index = index
        }
    }

    private func entry(_ lane: WorkPriority, _ index: Int) -> (WorkItem, Future<Tag>) {
        let tag = Tag(lane, index)
        let future = Future<Tag>(work: { tag })
        return (.task(future.queuedTask), future)
    }

    /// Pops every entry and runs it, returning the tags in the order taken.
    private func drain(_ lanes: inout WorkLanes) -> [(WorkPriority, Int)] {
        var order: [(WorkPriority, Int)] = []
        while let (item, lane) = lanes.popFirst() {
            guard case .task(let task) = item else { continue }
            _ = task.runQueued()
            let future = task.object as! Future<Tag>
            let tag = try! future.result(timeout: .zero)
            #expect(tag.lane == lane, "the entry came from its own lane")
            order.append((tag.lane, tag.index))
        }
        return order
    }

    @Test func theHighestLaneGoesFirstAndEachLaneIsFirstInFirstOut() {
        var lanes = WorkLanes()
        var futures: [Future<Tag>] = []
        for (lane, index) in [
            (WorkPriority.normal, 0), (.background, 0), (.high, 0), (.normal, 1), (.high, 1), (.background, 1),
        ] {
            let (item, future) = entry(lane, index)
            lanes.append(item, to: lane)
            futures.append(future)
        }
        let order = drain(&lanes)
        #expect(order.map(\.0) == [.high, .high, .normal, .normal, .background, .background])
        #expect(order.map(\.1) == [0, 1, 0, 1, 0, 1])
    }

    /// With the high lane never empty, the lower lanes still get a turn at least once in every
    /// `passLimit + 2` entries taken.
    @Test func noLaneStarvesWhileHigherLanesStayFull() {
        var lanes = WorkLanes()
        var futures: [Future<Tag>] = []
        func add(_ lane: WorkPriority, _ index: Int) {
            let (item, future) = entry(lane, index)
            lanes.append(item, to: lane)
            futures.append(future)
        }
        for index in 0..<20 { add(.normal, index) }
        for index in 0..<20 { add(.background, index) }
        var highs = 0
        add(.high, highs)
        var sinceLast: [WorkPriority: Int] = [.normal: 0, .background: 0]
        var longest: [WorkPriority: Int] = [.normal: 0, .background: 0]
        var taken: [WorkPriority: Int] = [.high: 0, .normal: 0, .background: 0]
        for _ in 0..<400 {
            guard let (item, lane) = lanes.popFirst() else { break }
            if case .task(let task) = item { _ = task.runQueued() }
            taken[lane, default: 0] += 1
            if lane == .high {
                highs += 1
                add(.high, highs)  // the high lane never runs dry
            }
            for waiting in [WorkPriority.normal, .background] where waiting != lane {
                if taken[waiting, default: 0] < 20 {
                    sinceLast[waiting, default: 0] += 1
                    longest[waiting] = max(longest[waiting] ?? 0, sinceLast[waiting] ?? 0)
                }
            }
            if lane != .high { sinceLast[lane] = 0 }
            if taken[.normal] == 20, taken[.background] == 20 { break }
        }
        #expect(taken[.normal] == 20 && taken[.background] == 20, "both lower lanes were served in full")
        #expect((longest[.normal] ?? 0) <= WorkLanes.passLimit + 1)
        #expect((longest[.background] ?? 0) <= WorkLanes.passLimit + 1)
        #expect((longest[.background] ?? 0) >= WorkLanes.passLimit, "and no sooner than the limit")
    }

    @Test func aTicketFindsItsEntryInItsLaneOnly() {
        var lanes = WorkLanes()
        var tickets: [(WorkPriority, UInt32, Future<Tag>)] = []
        for lane in WorkPriority.allCases {
            for index in 0..<3 {
                let ticket = lanes.nextTicket(for: lane)
                let (item, future) = entry(lane, index)
                lanes.append(item, to: lane)
                tickets.append((lane, ticket, future))
            }
        }
        let (_, highTicket, highFuture) = tickets[1]
        let (_, normalTicket, normalFuture) = tickets[4]
        let foreign = lanes.remove(task: normalFuture, ticket: highTicket)
        #expect(!foreign, "another lane's ticket")
        let (found, counters) = OperationCounters.counting {
            (lanes.remove(task: highFuture, ticket: highTicket), lanes.remove(task: normalFuture, ticket: normalTicket))
        }
        #expect(found.0 && found.1)
        #expect(counters.queueEntriesExamined == 2, "one entry looked at per removal")
        let order = drain(&lanes)
        #expect(order.count == 7, "the two removed are gone")
        #expect(!order.contains { $0 == (.high, 1) || $0 == (.normal, 1) })
    }

    @Test func aRunIsTakenOnlyFromALaneThatIsAlone() {
        var lanes = WorkLanes()
        var futures: [Future<Tag>] = []
        for index in 0..<20 {
            let (item, future) = entry(.normal, index)
            lanes.append(item, to: .normal)
            futures.append(future)
        }
        let (high, highFuture) = entry(.high, 0)
        lanes.append(high, to: .high)
        futures.append(highFuture)
        var run = TaskRun()
        guard let (_, first) = lanes.popFirst() else { Issue.record("an entry"); return }
        #expect(first == .high)
        let fromHigh = lanes.refill(&run, from: .high, count: 7, ifAtLeast: 8)
        #expect(fromHigh == 0, "too few high entries")
        guard let (_, second) = lanes.popFirst() else { Issue.record("an entry"); return }
        #expect(second == .normal)
        let alone = lanes.refill(&run, from: .normal, count: 7, ifAtLeast: 8)
        #expect(alone == 7, "the normal lane is alone now")
        let (background, backgroundFuture) = entry(.background, 0)
        lanes.append(background, to: .background)
        futures.append(backgroundFuture)
        _ = run.removeAll()
        _ = lanes.popFirst()
        let besideBackground = lanes.refill(&run, from: .normal, count: 7, ifAtLeast: 8)
        #expect(besideBackground == 0, "a run would hold the background entry back past its turn")
    }

    @Test func aTaskPriorityMapsToALane() {
        #expect(WorkPriority(TaskPriority.high) == .high)
        #expect(WorkPriority(TaskPriority.userInitiated) == .high)
        #expect(WorkPriority(TaskPriority.medium) == .normal)
        #expect(WorkPriority(TaskPriority.low) == .background)
        #expect(WorkPriority(TaskPriority.utility) == .background)
        #expect(WorkPriority(TaskPriority.background) == .background)
    }

    // MARK: A real pool

    /// One worker held busy; tasks queued in all three lanes start highest lane first, in order within
    /// each lane, once it is free.
    @Test(.timeLimit(.minutes(1))) func aPoolStartsTheHighestLaneFirst() throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown() }
        let gate = Gate(), started = Gate()
        let holder = try pool.submit {
            started.open()
            _ = gate.wait()
        }
        started.wait()
        let order = Recorder<String>()
        var futures: [Future<Void>] = []
        for (lane, name) in [
            (WorkPriority.background, "b0"), (.normal, "n0"), (.high, "h0"), (.normal, "n1"), (.high, "h1"),
            (.background, "b1"),
        ] {
            futures.append(try pool.submit(priority: lane) { order.append(name) })
        }
        futures.append(try pool.submit { order.append("n2") })
        #expect(pool.statistics.queued == 7)
        gate.open()
        try holder.result()
        for future in futures { try future.result() }
        #expect(order.values == ["h0", "h1", "n0", "n1", "n2", "b0", "b1"])
    }

    /// A Swift task that prefers the pool queues its jobs in the lane of its priority.
    @Test(.timeLimit(.minutes(1))) func aJobGoesToTheLaneOfItsTasksPriority() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 1)
        let gate = Gate(), started = Gate()
        let holder = try pool.submit {
            started.open()
            _ = gate.wait()
        }
        await offTheCooperativePool { started.wait() }
        let order = Recorder<String>()
        let normal = try (0..<3).map { index in try pool.submit(priority: .normal) { order.append("n\(index)") } }
        let urgent = Task(executorPreference: pool, priority: .high) { order.append("job") }
        #expect(await waitForStateAsync(of: pool) { $0.queued == 4 }, "the job is queued")
        gate.open()
        try await holder.value
        await urgent.value
        for future in normal { try await future.value }
        #expect(order.values.first == "job", "the high-priority task's job went ahead of the normal lane")
        await pool.shutdown()
    }
}
