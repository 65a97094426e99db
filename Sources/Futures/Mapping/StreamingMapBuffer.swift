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
/// submitted before it, then the stream ends. ``finish()`` (leaving early, a thrown failure, the
/// iterator's release, or the `deadline` passing while the consumer waits) cancels every future not yet
/// started and asks the running ones to stop.
///
/// Inlinable, like the streaming maps that own it, so that it is compiled for the value type where the
/// map is called: unspecialized, each item would look up the type metadata of its futures and arrays at
/// run time (about a sixth of a tiny task's cost in W6).
@usableFromInline
final class StreamingMapBuffer<T: Sendable> {
    @usableFromInline let submitter: StreamingSubmitter<T>
    @usableFromInline let bufferSize: Int
    @usableFromInline let waiter: GroupWaiter?
    /// The end of the consumer's waits (the map's `timeout`); once it has passed, no more input is
    /// submitted, and a wait that would go past it ends the stream with ``FutureError/timedOut``.
    @usableFromInline let deadline: Deadline?
    /// Ordered: submitted, in input order. Unordered: done, in completion order. Taken from `head`; a
    /// slot is emptied as its future is taken, so a result handed out is not kept alive here.
    @usableFromInline var queue: [Future<T>?] = []
    @usableFromInline var head = 0
    /// Unordered only: submitted and not yet seen done, by identity.
    @usableFromInline var inFlight: [ObjectIdentifier: Future<T>] = [:]
    /// Unordered only: the identities of submitted futures that may still wait in the pool's queue, in
    /// submission order from `helpHead`, for a consumer on a pool worker to run one itself rather than
    /// block (see ``runOneInlineIfQueuedHere()``). A future once seen not queued is passed for good, so
    /// each is looked at a bounded number of times.
    @usableFromInline var helpOrder: [ObjectIdentifier] = []
    @usableFromInline var helpHead = 0
    @usableFromInline var inputEnded = false
    @usableFromInline var endError: (any Error)?
    @usableFromInline var finished = false

    @inlinable
    init(submitter: StreamingSubmitter<T>, bufferSize: Int, ordered: Bool, deadline: Deadline? = nil) {
        self.submitter = submitter
        self.bufferSize = bufferSize
        self.deadline = deadline
        waiter = ordered ? nil : GroupWaiter(rule: .anyCompletion, recordsOrder: true)
    }

    deinit { finish() }

    /// Futures submitted and not yet handed out.
    @inlinable var count: Int { queue.count - head + inFlight.count }

    /// Set while the buffer refills: from when it falls to half of `bufferSize` until it is full again.
    @usableFromInline var refilling = true

    /// Whether the consumer should pull another input item and ``submit(_:)`` it: while the buffer
    /// refills, up to `bufferSize`. It refills in bursts, once half of it has been handed out, not one item
    /// per item taken: a burst of submits costs one wake-up of an idle worker (the pool's wake-ups are
    /// throttled), and the burst's tasks end close together, so the consumer waits once per burst rather
    /// than once per result. At least half of `bufferSize` stays in flight. Once the deadline has passed,
    /// nothing more: the input ends with ``FutureError/timedOut``, handed out after the results already
    /// done (a wait for one not done times out first).
    @inlinable var wantsInput: Bool {
        if inputEnded { return false }
        if let deadline, deadline.hasPassed {
            endInput(with: FutureError.timedOut)
            return false
        }
        if count >= bufferSize {
            refilling = false
        } else if count <= bufferSize / 2 {
            refilling = true
        }
        return refilling
    }

    /// Submits the work for one input item. If `submit` throws, the input ends with that error.
    @inlinable
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
        helpOrder.append(ObjectIdentifier(future))
        if !future.addObserver(waiter) {
            waiter.futureDidComplete(ObjectIdentifier(future), failed: false)
        }
    }

    /// The input has no more items; `error`, if any, is handed out after the futures already submitted.
    @inlinable
    func endInput(with error: (any Error)? = nil) {
        inputEnded = true
        if endError == nil { endError = error }
    }

    /// Ends the stream: cancels every future not yet started and hands out nothing more.
    ///
    /// Newest first, so that a worker that comes free meanwhile, taking the oldest, cannot run ahead of the
    /// cancelling through the futures not yet cancelled: only the work that started before the stream
    /// ended runs.
    @inlinable
    func finish() {
        inputEnded = true
        finished = true
        endError = nil
        var pending: [Future<T>] = queue[head...].reversed().compactMap { $0 }
        // Unordered: those that may still be queued, in `helpOrder` from `helpHead`, newest first; the rest
        // of `inFlight` was seen started or done.
        for identity in helpOrder[helpHead...].reversed() {
            if let future = inFlight.removeValue(forKey: identity) { pending.append(future) }
        }
        pending += inFlight.values
        queue = []
        head = 0
        inFlight = [:]
        helpOrder = []
        helpHead = 0
        for future in pending {
            if let waiter { future.removeObserver(waiter) }
            future.requestCancellation()
        }
    }

    // MARK: Taking the next result

    /// What to do next, without waiting.
    @usableFromInline
    enum Step {
        /// Hand out this result.
        case yield(Result<T, any Error>)
        /// Wait for this future (ordered), or for any (unordered, `nil`).
        case wait(Future<T>?)
        /// The stream is over.
        case end
    }

    @inlinable
    func step() -> Step {
        if finished { return .end }
        if let waiter {
            for identity in waiter.takeCompleted() {
                if let future = inFlight.removeValue(forKey: identity) { queue.append(future) }
            }
            // Pass the done futures at the front of the help order, so it stays as short as what is in
            // flight (a consumer off the pool never looks at it otherwise).
            while helpHead < helpOrder.count, inFlight[helpOrder[helpHead]] == nil { passHelpFront() }
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
    @inlinable
    func popFront() {
        queue[head] = nil
        head += 1
        if head == queue.count || head >= 64 && head * 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    /// Blocks until the next result is ready and returns it; `nil` at the end of the stream.
    @inlinable
    func next() -> Result<T, any Error>? {
        while true {
            switch step() {
            case .yield(let result):
                return result
            case .end:
                return nil
            case .wait(let future?):
                do {
                    _ = try future.outcome(until: deadline)
                } catch {
                    return timedOut()
                }
            case .wait(nil):
                // The waiter's blocking wait ends unmet only at the deadline.
                if !runOneInlineIfQueuedHere(), waiter?.wait(until: deadline) == false { return timedOut() }
            }
        }
    }

    /// Ends the stream at its deadline (as ``finish()``) and returns the failure to hand out, the last.
    @inlinable
    func timedOut() -> Result<T, any Error> {
        finish()
        return .failure(FutureError.timedOut)
    }

    /// Suspends until the next result is ready and returns it; `nil` at the end of the stream.
    ///
    /// Runs on the caller's actor (`isolation`), so the buffer never leaves the consumer's isolation.
    ///
    /// - Throws: `CancellationError` if the task is cancelled while waiting; the stream is then finished.
    ///   At the deadline, returns `.failure(FutureError.timedOut)` and finishes the stream.
    @inlinable
    func nextAsync(isolation actor: isolated (any Actor)?) async throws -> Result<T, any Error>? {
        do {
            return try await waitForNext()
        } catch {
            finish()
            throw error
        }
    }

    @inlinable
    func waitForNext(isolation actor: isolated (any Actor)? = #isolation) async throws -> Result<T, any Error>? {
        while true {
            switch step() {
            case .yield(let result):
                return result
            case .end:
                return nil
            case .wait(let future?):
                do {
                    _ = try await future.outcome(until: deadline)
                } catch FutureError.timedOut {
                    return timedOut()
                }
            case .wait(nil):
                // The waiter's async wait ends unmet when the task is cancelled or at the deadline.
                if await waiter?.wait(until: deadline) == false {
                    try Task.checkCancellation()
                    if let deadline, deadline.hasPassed { return timedOut() }
                }
            }
        }
    }

    /// On a pool worker, runs one in-flight future here if it waits in this pool's queue, rather than
    /// block the worker waiting for it. Looks from the oldest future that may still be queued and passes
    /// each that is not for good (it was taken or is done, and is never queued again): amortized O(1) per
    /// item. Off a worker, returns `false` at once.
    @inlinable
    func runOneInlineIfQueuedHere() -> Bool {
        guard WorkerContext.isWorker else { return false }
        while helpHead < helpOrder.count {
            let future = inFlight[helpOrder[helpHead]]
            passHelpFront()
            if let future, future.runInlineIfQueuedHere() { return true }
        }
        return false
    }

    /// Passes the front of the help order, and lets go of the passed slots from time to time.
    @inlinable
    func passHelpFront() {
        helpHead += 1
        if helpHead == helpOrder.count || helpHead >= 64 && helpHead * 2 >= helpOrder.count {
            helpOrder.removeFirst(helpHead)
            helpHead = 0
        }
    }
}
