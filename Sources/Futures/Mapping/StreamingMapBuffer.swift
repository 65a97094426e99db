/// The futures of one streaming map (`lazyMap(_:bufferSize:_:)` and the other streaming
/// forms) that were submitted and not yet handed to the consumer, at most `bufferSize` of them.
///
/// Owned by one iterator and used only by the thread or task that iterates; it holds no lock. The
/// futures and the ``GroupWaiter`` it registers on them carry the cross-thread part.
///
/// - Ordered: `queue` holds every submitted future in input order; the consumer waits on the front.
/// - Unordered: `inFlight` holds the submitted futures not yet seen done; one waiter watches them all and
///   `queue` collects the done ones in completion order.
///
/// An error from the input or from `submit` ends the input; it is handed out after every future
/// submitted before it, then the stream ends. ``finish()`` (leaving early, a thrown failure, or the
/// iterator's release) cancels every future not yet started.
final class StreamingMapBuffer<T: Sendable> {
    private let submitter: StreamingSubmitter<T>
    private let bufferSize: Int
    private let waiter: GroupWaiter?
    /// Ordered: submitted, in input order. Unordered: done, in completion order. Taken from `head`; a
    /// slot is emptied as its future is taken, so a result handed out is not kept alive here.
    private var queue: [Future<T>?] = []
    private var head = 0
    /// Unordered only: submitted and not yet seen done, by identity.
    private var inFlight: [ObjectIdentifier: Future<T>] = [:]
    private var inputEnded = false
    private var endError: (any Error)?
    private var finished = false

    init(submitter: StreamingSubmitter<T>, bufferSize: Int, ordered: Bool) {
        self.submitter = submitter
        self.bufferSize = bufferSize
        waiter = ordered ? nil : GroupWaiter(rule: .anyCompletion, recordsOrder: true)
    }

    deinit { finish() }

    /// Futures submitted and not yet handed out.
    var count: Int { queue.count - head + inFlight.count }

    /// Whether the consumer should pull another input item and ``submit(_:)`` it.
    var wantsInput: Bool { !inputEnded && count < bufferSize }

    /// Submits the work for one input item. If `submit` throws, the input ends with that error.
    func submit(_ work: @escaping @Sendable () throws -> T) {
        let future: Future<T>
        do {
            future = try submitter.submit(work)
        } catch {
            endInput(with: error)
            return
        }
        guard let waiter else {
            queue.append(future)
            return
        }
        inFlight[ObjectIdentifier(future)] = future
        if !future.addObserver(waiter) {
            waiter.futureDidComplete(ObjectIdentifier(future), failed: false)
        }
    }

    /// The input has no more items; `error`, if any, is handed out after the futures already submitted.
    func endInput(with error: (any Error)? = nil) {
        inputEnded = true
        if endError == nil { endError = error }
    }

    /// Ends the stream: cancels every future not yet started and hands out nothing more.
    func finish() {
        inputEnded = true
        finished = true
        endError = nil
        let pending = queue[head...].compactMap { $0 } + inFlight.values
        queue = []
        head = 0
        inFlight = [:]
        for future in pending {
            if let waiter { future.removeObserver(waiter) }
            future.cancel()
        }
    }

    // MARK: Taking the next result

    /// What to do next, without waiting.
    private enum Step {
        /// Hand out this result.
        case yield(Result<T, any Error>)
        /// Wait for this future (ordered), or for any (unordered, `nil`).
        case wait(Future<T>?)
        /// The stream is over.
        case end
    }

    private func step() -> Step {
        if finished { return .end }
        if let waiter {
            for identity in waiter.takeCompleted() {
                if let future = inFlight.removeValue(forKey: identity) { queue.append(future) }
            }
        }
        if head < queue.count, let future = queue[head] {
            guard let outcome = future.doneOutcome else { return .wait(future) }
            popFront()
            return .yield(outcome)
        }
        if !inFlight.isEmpty { return .wait(nil) }
        finished = true
        defer { endError = nil }
        return endError.map { .yield(.failure($0)) } ?? .end
    }

    /// Lets go of the front future at once, and of the emptied slots from time to time: amortized O(1).
    private func popFront() {
        queue[head] = nil
        head += 1
        if head == queue.count || head >= 64 && head * 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    /// Blocks until the next result is ready and returns it; `nil` at the end of the stream.
    func next() -> Result<T, any Error>? {
        while true {
            switch step() {
            case .yield(let result):
                return result
            case .end:
                return nil
            case .wait(let future?):
                _ = try? future.outcome(until: nil)
            case .wait(nil):
                if !runOneInlineIfQueuedHere() { _ = waiter?.wait(until: nil) }
            }
        }
    }

    /// Suspends until the next result is ready and returns it; `nil` at the end of the stream.
    ///
    /// Runs on the caller's actor (`isolation`), so the buffer never leaves the consumer's isolation.
    ///
    /// - Throws: `CancellationError` if the task is cancelled while waiting; the stream is then finished.
    func nextAsync(isolation actor: isolated (any Actor)?) async throws -> Result<T, any Error>? {
        do {
            return try await waitForNext()
        } catch {
            finish()
            throw error
        }
    }

    private func waitForNext(isolation actor: isolated (any Actor)? = #isolation) async throws -> Result<T, any Error>?
    {
        while true {
            switch step() {
            case .yield(let result):
                return result
            case .end:
                return nil
            case .wait(let future?):
                _ = try await future.outcome(until: nil)
            case .wait(nil):
                if await waiter?.wait(until: nil) == false { try Task.checkCancellation() }
            }
        }
    }

    /// On a pool worker, runs one in-flight future here if it waits in this pool's queue, rather than
    /// block the worker waiting for it.
    private func runOneInlineIfQueuedHere() -> Bool {
        for future in inFlight.values where future.runInlineIfQueuedHere() { return true }
        return false
    }
}
