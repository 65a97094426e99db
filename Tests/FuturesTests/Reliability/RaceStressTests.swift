import Foundation
import Futures
import Synchronization
import Testing

/// Randomized race stress: many threads at once submit, cancel, wait with short timeouts, add callbacks
/// and read results, and one of them finally shuts the pool down while the others go on. Every
/// configuration is bounded in time (`FUTURES_STRESS_SECONDS` per configuration, 2 by default) and
/// seeded (`FUTURES_STRESS_SEED`; the seed is in every failure message).
///
/// Checked at the end of every run:
/// - every submitted future ended exactly once, in `finished` or `cancelled` (its first callback ran
///   once, and `wait` sees it done);
/// - a cancelled task never ran; every other task ran exactly once, and its result is the right one;
/// - every callback ran exactly once;
/// - no waiter was left blocked: every driver thread (each blocks in untimed `result()`, `wait` and
///   `asCompleted` now and then) and every `await future.value` returned;
/// - after `shutdown(wait: true)` every future was already done when `shutdown` returned;
/// - a future was cancelled only by a `cancel()` that returned `true`, or by `cancelFutures: true`;
/// - the threads the run made (the pool's workers and the drivers) are all gone again.
extension Reliability {
    @Suite("Race stress", .serialized)
    struct RaceStressTests {
        @Test(
            "Concurrent submit, cancel, wait, callbacks and shutdown lose nothing",
            arguments: [1, 2, 8], StressShutdown.allCases
        )
        func raceStress(workers: Int, shutdown: StressShutdown) async throws {
            let configuration =
                (workers == 1 ? 0 : workers == 2 ? 1 : 2) * StressShutdown.allCases.count
                + StressShutdown.allCases.firstIndex(of: shutdown)!
            let seed = StressEnvironment.seed &+ UInt64(configuration) &* 0x1_0000_0001
            let run = StressRun(
                workers: workers, shutdown: shutdown, seed: seed, baseSeed: StressEnvironment.seed,
                seconds: StressEnvironment.secondsPerConfiguration
            )
            let problems = await run.execute()
            #expect(
                problems.isEmpty,
                "\(run.label): \(problems.count) problem(s); rerun with FUTURES_STRESS_SEED=\(StressEnvironment.seed)\n\(problems.prefix(20).joined(separator: "\n"))"
            )
            #expect(run.submittedCount > 0, "\(run.label): nothing was submitted")
        }

        /// Found by the stress test: a future completing between `wait`'s first check and the
        /// registration of its waiter was never counted, so `wait(returnWhen: .firstCompleted)` slept on
        /// (forever without a timeout) although a future was done.
        @Test(
            "wait and asCompleted see a completion that races with their registration",
            arguments: [ReturnWhen.firstCompleted, .firstException, .allCompleted])
        func waitRacingWithCompletion(returnWhen: ReturnWhen) throws {
            let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: uniquePrefix("rw"))
            defer { pool.shutdown() }
            // Busy threads make the scheduler preempt the waiter inside its narrow window.
            let stop = Atomic<Bool>(false)
            let noise = ThreadGroup()
            noise.start(3, namePrefix: uniquePrefix("rn")) { _ in
                while !stop.load(ordering: .relaxed) { sched_yield() }
            }
            defer {
                stop.store(true, ordering: .relaxed)
                _ = noise.join()
            }
            for iteration in 0..<20000 {
                // One future, finishing after a short spin that varies, so that its completion often
                // lands inside the call.
                let spins = iteration % 300
                let future = try pool.submit {
                    var x = iteration
                    for _ in 0..<spins { x = x &* 31 &+ 7 }
                    return x
                }
                let futures = [future]
                let elapsed = measure {
                    let (done, _) = wait(futures, timeout: .seconds(10), returnWhen: returnWhen)
                    #expect(!done.isEmpty, "iteration \(iteration): nothing done after 10 s")
                }
                #expect(elapsed < .seconds(5), "iteration \(iteration): wait(\(returnWhen)) missed a completion")
                var seen = 0
                try asCompleted(futures, timeout: .seconds(10)).forEach { _ in seen += 1 }
                #expect(seen == 1)
                if elapsed >= .seconds(5) { break }
            }
        }
    }
}

/// The four ways to finish a stress run.
enum StressShutdown: CaseIterable, Sendable, CustomTestStringConvertible {
    case waitKeepQueued, waitCancelQueued, noWaitKeepQueued, noWaitCancelQueued

    var wait: Bool { self == .waitKeepQueued || self == .waitCancelQueued }
    var cancelFutures: Bool { self == .waitCancelQueued || self == .noWaitCancelQueued }
    var testDescription: String { "shutdown(wait: \(wait), cancelFutures: \(cancelFutures))" }
}

/// What a stress task does when it runs.
enum StressKind: Sendable, CaseIterable {
    /// Returns its id.
    case value
    /// Throws `TestError(tag: id)`.
    case throwing
    /// Spins a little, then returns its id.
    case spin
    /// Submits a child task to the same pool and waits for it (run inline when still queued).
    case nested
    /// Waits a moment on some other future (a worker waiting on its own pool's work), then returns its id.
    case peek
    /// Cancels some other future, then returns its id.
    case canceller
    /// Adds a callback to some other future, then returns its id.
    case callbackAdder
}

/// The record of one stress run, shared by all its threads.
final class StressLedger: Sendable {
    struct Entry {
        let kind: StressKind
        var future: Future<Int>?
        var rejected = false
        var ran = 0
        var completions = 0
        var cancelledByCall = false
    }

    struct State {
        var entries: [Entry] = []
        var attached: [Int] = []
        var callbackRuns: [Int] = []
        var outstanding = 0
        var problems: [String] = []
        var problemCount = 0
    }

    let state = PThreadLocked(State())
    let asyncStarted = Atomic<Int>(0)
    let asyncEnded = Atomic<Int>(0)

    init() {}

    /// Reserves an id for a task about to be submitted.
    func reserve(_ kind: StressKind) -> Int {
        state.withLock { state in
            state.entries.append(Entry(kind: kind))
            state.outstanding += 1
            return state.entries.count - 1
        }
    }

    /// Submit succeeded: others may now pick the future.
    func attach(_ id: Int, _ future: Future<Int>) {
        state.withLock { state in
            state.entries[id].future = future
            state.attached.append(id)
        }
    }

    /// Submit threw: the task must never run.
    func reject(_ id: Int) {
        state.withLock { state in
            state.entries[id].rejected = true
            state.outstanding -= 1
        }
    }

    func ran(_ id: Int) { state.withLock { $0.entries[id].ran += 1 } }

    func completed(_ id: Int) {
        state.withLock { state in
            state.entries[id].completions += 1
            state.outstanding -= 1
        }
    }

    func cancelledByCall(_ id: Int) { state.withLock { $0.entries[id].cancelledByCall = true } }

    func newCallback() -> Int {
        state.withLock { state in
            state.callbackRuns.append(0)
            return state.callbackRuns.count - 1
        }
    }

    func callbackRan(_ callback: Int) { state.withLock { $0.callbackRuns[callback] += 1 } }

    var outstanding: Int { state.withLock { $0.outstanding } }

    func kind(of id: Int) -> StressKind { state.withLock { $0.entries[id].kind } }

    /// A random attached future, mostly a recent one (those are the likeliest to be pending).
    func pick(_ rng: inout SeededRandom) -> (id: Int, future: Future<Int>)? {
        let roll = Int.random(in: 0..<100, using: &rng)
        let offset = Int.random(in: 0..<Int.max, using: &rng)
        return state.withLock { state in
            let attached = state.attached
            guard !attached.isEmpty else { return nil }
            let index = roll < 80 ? attached.count - 1 - offset % min(64, attached.count) : offset % attached.count
            let id = attached[index]
            return (id, state.entries[id].future!)
        }
    }

    func problem(_ text: String) {
        state.withLock { state in
            state.problemCount += 1
            if state.problems.count < 50 { state.problems.append(text) }
        }
    }
}

/// One configuration of the stress test: a pool, its drivers, the ledger, and the final checks.
final class StressRun: Sendable {
    let workers: Int
    let shutdownMode: StressShutdown
    let seed: UInt64
    let seconds: Double
    let prefix: String
    let label: String
    let ledger = StressLedger()
    let pool: ThreadPoolExecutor
    let shutdownStarted = Atomic<Bool>(false)
    let shutdownReturned = Atomic<Bool>(false)
    static let driverCount = 6

    init(workers: Int, shutdown: StressShutdown, seed: UInt64, baseSeed: UInt64, seconds: Double) {
        self.workers = workers
        self.shutdownMode = shutdown
        self.seed = seed
        self.seconds = seconds
        prefix = uniquePrefix("rs")
        label = "workers \(workers), \(shutdown.testDescription), base seed \(baseSeed), run seed \(seed)"
        pool = ThreadPoolExecutor(maxWorkers: workers, threadNamePrefix: prefix)
    }

    var submittedCount: Int { ledger.state.withLock { $0.attached.count } }

    /// Runs the drivers, shuts down, and returns what went wrong.
    func execute() async -> [String] {
        let drivers = ThreadGroup()
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(seconds * 1000))
        drivers.start(Self.driverCount, namePrefix: prefix) { [self] index in
            var rng = SeededRandom(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
            drive(index: index, deadline: deadline, rng: &rng)
        }
        if !drivers.join(timeout: .seconds(Int64(seconds) + 120)) {
            ledger.problem("a driver thread is still blocked 120 s after the run (a waiter was left blocked)")
            describeNotDone()
            return finish()
        }
        await checkEnd()
        return finish()
    }

    /// For a failure report: the futures that are not done, and what their tasks did.
    private func describeNotDone() {
        let lines = ledger.state.withLock { state in
            state.attached.compactMap { id -> String? in
                let entry = state.entries[id]
                guard let future = entry.future, !future.isDone else { return nil }
                return
                    "not done: id \(id) \(entry.kind) state \(future.state) ran \(entry.ran) cancelled-by-call \(entry.cancelledByCall)"
            }
        }
        lines.forEach { ledger.problem($0) }
        ledger.problem(
            "pool threads alive: \(threadCount(namedWithPrefix: prefix + "_")); shutdown returned: \(shutdownReturned.load(ordering: .acquiring))"
        )
    }

    private func finish() -> [String] {
        ledger.state.withLock { state in
            state.problemCount > state.problems.count
                ? state.problems + ["… and \(state.problemCount - state.problems.count) more"] : state.problems
        }
    }

    // MARK: Drivers

    private func drive(index: Int, deadline: ContinuousClock.Instant, rng: inout SeededRandom) {
        let clock = ContinuousClock()
        while clock.now < deadline, !shutdownStarted.load(ordering: .acquiring) {
            randomOperation(&rng)
        }
        if index == 0 {
            shutdownStarted.store(true, ordering: .releasing)
            shutDown()
        }
        // Keep racing with the shutdown for a while: submits must now throw, waits must still end.
        for _ in 0..<200 { randomOperation(&rng) }
    }

    private func shutDown() {
        pool.shutdown(wait: shutdownMode.wait, cancelFutures: shutdownMode.cancelFutures)
        shutdownReturned.store(true, ordering: .releasing)
        if shutdownMode.wait {
            // Every successful submit came before the shutdown, so its future is done by now.
            let notDone = ledger.state.withLock { state in
                state.attached.filter { !state.entries[$0].future!.isDone }
            }
            if !notDone.isEmpty {
                ledger.problem(
                    "shutdown(wait: true) returned while \(notDone.count) future(s) were not done, e.g. id \(notDone[0])"
                )
            }
        }
    }

    private func randomOperation(_ rng: inout SeededRandom) {
        let roll = Int.random(in: 0..<100, using: &rng)
        switch roll {
        case 0..<30: submitRandom(&rng)
        case 30..<38: cancelRandom(&rng)
        case 38..<48: readWithTimeout(&rng)
        case 48..<51: readUntimed(&rng)
        case 51..<58: waitGroup(&rng, untimed: false)
        case 58..<60: waitGroup(&rng, untimed: true)
        case 60..<65: iterateAsCompleted(&rng, untimed: false)
        case 65..<67: iterateAsCompleted(&rng, untimed: true)
        case 67..<78: if let (_, future) = ledger.pick(&rng) { addCallback(to: future, rng: &rng) }
        case 78..<83: readState(&rng)
        case 83..<86: awaitValue(&rng)
        case 86..<88: smallMap(&rng)
        case 88..<89:
            // Once the real shutdown started, more shutdowns race with it (same cancelFutures).
            if shutdownStarted.load(ordering: .acquiring) {
                pool.shutdown(wait: Bool.random(using: &rng), cancelFutures: shutdownMode.cancelFutures)
            }
        default: submitRandom(&rng)
        }
    }

    // MARK: Submitting

    private func submitRandom(_ rng: inout SeededRandom) {
        if ledger.outstanding > 200 && !shutdownStarted.load(ordering: .relaxed) { return readWithTimeout(&rng) }
        let kind = StressKind.allCases.randomElement(using: &rng)!
        let spins = Int.random(in: 0..<2000, using: &rng)
        let childTimeout: Duration? =
            Bool.random(using: &rng) ? nil : .microseconds(Int.random(in: 0..<500, using: &rng))
        let peekTimeout = Duration.microseconds(Int.random(in: 0..<300, using: &rng))
        let pickSeed = rng.next()
        submit(kind: kind, spins: spins, childTimeout: childTimeout, peekTimeout: peekTimeout, pickSeed: pickSeed)
        if Int.random(in: 0..<4, using: &rng) == 0, let (_, future) = ledger.pick(&rng) {
            addCallback(to: future, rng: &rng)
        }
    }

    /// Submits one task of `kind`; returns its future, or `nil` if the pool refused it.
    @discardableResult
    func submit(
        kind: StressKind, spins: Int = 0, childTimeout: Duration? = nil, peekTimeout: Duration = .zero,
        pickSeed: UInt64 = 0
    ) -> Future<Int>? {
        let id = ledger.reserve(kind)
        let future: Future<Int>
        do {
            future = try pool.submit { [self] in
                ledger.ran(id)
                return try work(
                    id: id, kind: kind, spins: spins, childTimeout: childTimeout, peekTimeout: peekTimeout,
                    pickSeed: pickSeed)
            }
        } catch let error as ExecutorError where error == .shutDown {
            ledger.reject(id)
            if !shutdownStarted.load(ordering: .acquiring) {
                ledger.problem("submit threw shutDown before any shutdown")
            }
            return nil
        } catch {
            ledger.reject(id)
            ledger.problem("submit threw \(error)")
            return nil
        }
        // The ledger's own callback is the future's first: it counts completions.
        future.addDoneCallback { [ledger] done in
            if !done.isDone { ledger.problem("id \(id): callback ran while the future was \(done.state)") }
            ledger.completed(id)
        }
        ledger.attach(id, future)
        return future
    }

    private func work(
        id: Int, kind: StressKind, spins: Int, childTimeout: Duration?, peekTimeout: Duration, pickSeed: UInt64
    ) throws -> Int {
        var rng = SeededRandom(seed: pickSeed)
        switch kind {
        case .value:
            return id
        case .throwing:
            throw TestError(tag: id)
        case .spin:
            var x = UInt64(id)
            for _ in 0..<spins { x = x &* 6_364_136_223_846_793_005 &+ 1 }
            return x == 42 ? id : id
        case .nested:
            guard let child = submit(kind: .value) else { throw ExecutorError.shutDown }
            let value = try child.result(timeout: childTimeout)
            return value >= 0 ? id : -1
        case .peek:
            if let (other, future) = ledger.pick(&rng) {
                check(read: { try future.result(timeout: peekTimeout) }, id: other, future: future, timed: true)
            }
            return id
        case .canceller:
            if let (other, future) = ledger.pick(&rng) { cancel(other, future) }
            return id
        case .callbackAdder:
            if let (_, future) = ledger.pick(&rng) { addCallback(to: future, rng: &rng) }
            return id
        }
    }

    // MARK: Other operations

    private func cancel(_ id: Int, _ future: Future<Int>) {
        if future.cancel() {
            ledger.cancelledByCall(id)
            if future.state != .cancelled {
                ledger.problem("id \(id): cancel() returned true, state is \(future.state)")
            }
        } else {
            let state = future.state
            if state != .running && state != .finished {
                ledger.problem("id \(id): cancel() returned false, state is \(state)")
            }
        }
    }

    private func cancelRandom(_ rng: inout SeededRandom) {
        if let (id, future) = ledger.pick(&rng) { cancel(id, future) }
    }

    func addCallback(to future: Future<Int>, rng: inout SeededRandom) {
        let callback = ledger.newCallback()
        let submitsMore = Int.random(in: 0..<8, using: &rng) == 0
        future.addDoneCallback { [self] done in
            if !done.isDone { ledger.problem("callback \(callback) ran while the future was \(done.state)") }
            ledger.callbackRan(callback)
            if submitsMore { submit(kind: .value) }  // a callback calling back into the pool
        }
    }

    /// Calls `read` and checks what it returned or threw against what the task was meant to do.
    private func check(read: () throws -> Int, id: Int, future: Future<Int>, timed: Bool) {
        let kind = ledger.kind(of: id)
        do {
            let value = try read()
            if value != id { ledger.problem("id \(id) (\(kind)): result \(value)") }
            if kind == .throwing { ledger.problem("id \(id): a throwing task returned \(value)") }
        } catch let error as TestError {
            if kind != .throwing || error.tag != id { ledger.problem("id \(id) (\(kind)): threw \(error)") }
        } catch FutureError.cancelled {
            if future.state != .cancelled && kind != .nested {
                ledger.problem("id \(id) (\(kind)): threw cancelled but state is \(future.state)")
            }
        } catch FutureError.timedOut {
            if !timed && kind != .nested { ledger.problem("id \(id) (\(kind)): untimed wait threw timedOut") }
        } catch ExecutorError.shutDown where kind == .nested {
            // The child could not be submitted after shutdown.
        } catch {
            ledger.problem("id \(id) (\(kind)): threw \(error)")
        }
    }

    private func readWithTimeout(_ rng: inout SeededRandom) {
        guard let (id, future) = ledger.pick(&rng) else { return }
        let timeout = Duration.microseconds(Int.random(in: 0..<500, using: &rng))
        if Bool.random(using: &rng) {
            check(read: { try future.result(timeout: timeout) }, id: id, future: future, timed: true)
        } else {
            check(
                read: {
                    if let error = try future.error(timeout: timeout) { throw error }
                    return id
                }, id: id, future: future, timed: true)
        }
    }

    private func readUntimed(_ rng: inout SeededRandom) {
        guard let (id, future) = ledger.pick(&rng) else { return }
        check(read: { try future.result() }, id: id, future: future, timed: false)
        if !future.isDone { ledger.problem("id \(id): result() returned but the future is \(future.state)") }
    }

    private func someFutures(_ rng: inout SeededRandom) -> [Future<Int>] {
        // Duplicates on purpose: wait and asCompleted must take them.
        (0..<Int.random(in: 1...6, using: &rng)).compactMap { _ in ledger.pick(&rng)?.future }
    }

    private func waitGroup(_ rng: inout SeededRandom, untimed: Bool) {
        let futures = someFutures(&rng)
        let when: ReturnWhen = [.firstCompleted, .firstException, .allCompleted].randomElement(using: &rng)!
        let timeout: Duration? = untimed ? nil : .microseconds(Int.random(in: 0..<1000, using: &rng))
        let (done, notDone) = wait(futures, timeout: timeout, returnWhen: untimed ? .firstCompleted : when)
        if done.count + notDone.count != Set(futures).count { ledger.problem("wait lost or invented futures") }
        if done.contains(where: { !$0.isDone }) { ledger.problem("wait returned a future in done that is not done") }
        if untimed && done.isEmpty && !futures.isEmpty {
            ledger.problem("untimed wait(firstCompleted) returned nothing done")
        }
    }

    private func iterateAsCompleted(_ rng: inout SeededRandom, untimed: Bool) {
        let futures = someFutures(&rng)
        var yielded = Set<Future<Int>>()
        if untimed {
            for future in asCompleted(futures) {
                if !future.isDone { ledger.problem("asCompleted yielded a future that is not done") }
                if !yielded.insert(future).inserted { ledger.problem("asCompleted yielded a future twice") }
            }
            if yielded != Set(futures) { ledger.problem("asCompleted ended without yielding every future") }
        } else {
            var iterator = asCompleted(futures, timeout: .microseconds(Int.random(in: 0..<1000, using: &rng)))
                .makeIterator()
            do {
                while let future = try iterator.next() {
                    if !future.isDone { ledger.problem("asCompleted(timeout:) yielded a future that is not done") }
                    if !yielded.insert(future).inserted {
                        ledger.problem("asCompleted(timeout:) yielded a future twice")
                    }
                }
                if yielded != Set(futures) { ledger.problem("asCompleted(timeout:) ended short without throwing") }
            } catch {
                if error as? FutureError != .timedOut { ledger.problem("asCompleted(timeout:) threw \(error)") }
            }
        }
    }

    private func readState(_ rng: inout SeededRandom) {
        guard let (id, future) = ledger.pick(&rng) else { return }
        let state = future.state
        if future.isDone && !(future.state == .finished || future.state == .cancelled) {
            ledger.problem("id \(id): isDone but state \(future.state)")
        }
        if (state == .finished || state == .cancelled) && future.state != state {
            ledger.problem("id \(id): left the final state \(state) for \(future.state)")
        }
    }

    /// An async waiter: `await future.value` from a task, which must always resume.
    private func awaitValue(_ rng: inout SeededRandom) {
        guard let (id, future) = ledger.pick(&rng) else { return }
        ledger.asyncStarted.wrappingAdd(1, ordering: .relaxed)
        Task { [self] in
            let kind = ledger.kind(of: id)
            do {
                let value = try await future.value
                if value != id { ledger.problem("id \(id): await value gave \(value)") }
            } catch let error as TestError {
                if kind != .throwing || error.tag != id { ledger.problem("id \(id): await value threw \(error)") }
            } catch FutureError.cancelled {
            } catch ExecutorError.shutDown where kind == .nested {
            } catch FutureError.timedOut where kind == .nested {
            } catch {
                ledger.problem("id \(id): await value threw \(error)")
            }
            ledger.asyncEnded.wrappingAdd(1, ordering: .releasing)
        }
    }

    private func smallMap(_ rng: inout SeededRandom) {
        let count = Int.random(in: 0..<20, using: &rng)
        let timeout: Duration? = Bool.random(using: &rng) ? nil : .microseconds(Int.random(in: 0..<2000, using: &rng))
        let chunk: Int? = Bool.random(using: &rng) ? nil : Int.random(in: 1...4, using: &rng)
        do {
            let result = try pool.map(0..<count, timeout: timeout, chunkSize: chunk) { $0 * 2 }
            if result != (0..<count).map({ $0 * 2 }) { ledger.problem("map returned \(result)") }
        } catch FutureError.timedOut where timeout != nil {
        } catch ExecutorError.shutDown where shutdownStarted.load(ordering: .acquiring) {
        } catch FutureError.cancelled where shutdownMode.cancelFutures && shutdownStarted.load(ordering: .acquiring) {
        } catch {
            ledger.problem("map threw \(error)")
        }
    }

    // MARK: The end

    private func checkEnd() async {
        let all = ledger.state.withLock { state in state.attached.map { state.entries[$0].future! } }
        let (_, notDone) = await wait(all, timeout: .seconds(60))
        if !notDone.isEmpty { ledger.problem("\(notDone.count) future(s) never ended") }

        // The completing thread runs the callbacks just after the future turns done: give it time.
        let callbacksSettled = eventually {
            ledger.state.withLock { state in
                state.attached.allSatisfy { state.entries[$0].completions >= 1 }
                    && state.callbackRuns.allSatisfy { $0 >= 1 }
            }
        }
        if !callbacksSettled { ledger.problem("some callbacks never ran") }

        ledger.state.withLock { state in
            for id in state.entries.indices {
                let entry = state.entries[id]
                if entry.rejected {
                    if entry.ran != 0 { state.problems.append("id \(id): submit threw, yet the task ran") }
                    continue
                }
                guard let future = entry.future else { continue }
                if entry.completions != 1 { state.problems.append("id \(id): ended \(entry.completions) times") }
                switch future.state {
                case .cancelled:
                    if entry.ran != 0 {
                        state.problems.append("id \(id): cancelled, yet the task ran \(entry.ran) time(s)")
                    }
                    if !entry.cancelledByCall && !shutdownMode.cancelFutures {
                        state.problems.append("id \(id): cancelled with no successful cancel() and no cancelFutures")
                    }
                case .finished:
                    if entry.ran != 1 {
                        state.problems.append("id \(id): finished, but the task ran \(entry.ran) time(s)")
                    }
                    if entry.cancelledByCall {
                        state.problems.append("id \(id): cancel() returned true, yet it finished")
                    }
                case .pending, .running:
                    state.problems.append("id \(id): left \(future.state)")
                }
            }
            for (callback, runs) in state.callbackRuns.enumerated() where runs != 1 {
                state.problems.append("callback \(callback) ran \(runs) times")
            }
        }
        // Results of finished futures are the tasks' own.
        for (id, future) in all.enumerated() where future.state == .finished {
            _ = id
            let realID = ledger.state.withLock { state in state.attached[id] }
            check(read: { try future.result(timeout: .zero) }, id: realID, future: future, timed: false)
        }

        if !eventually(
            timeout: .seconds(30),
            { ledger.asyncEnded.load(ordering: .acquiring) == ledger.asyncStarted.load(ordering: .relaxed) })
        {
            ledger.problem(
                "\(ledger.asyncStarted.load(ordering: .relaxed) - ledger.asyncEnded.load(ordering: .relaxed)) await(s) of future.value never resumed"
            )
        }
        if !eventually(timeout: .seconds(30), { threadCount(namedWithPrefix: prefix) == 0 }) {
            ledger.problem("\(threadCount(namedWithPrefix: prefix)) thread(s) named \(prefix)… still alive")
        }
        if (try? pool.submit { 0 }) != nil { ledger.problem("submit succeeded after shutdown") }
    }
}
