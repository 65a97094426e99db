/// What a pool hangs on a future it makes when its configuration asks for more than the plain future
/// holds: the task timer and the pool's unretrieved-error handler. Stored as the first entry of the
/// future's listener list, which keeps it after completion, so futures of pools that ask for neither
/// carry nothing.
///
/// It also reports the error of a released future that nobody read (``reportUnretrieved(_:attachment:)``),
/// through the attachment's handler or, for a future without one, on standard error.
@usableFromInline
final class FutureAttachment: Sendable {
    let timer: TaskTimer?
    let unretrievedErrorHandler: (@Sendable (any Error) -> Void)?

    init(timer: TaskTimer?, unretrievedErrorHandler: (@Sendable (any Error) -> Void)?) {
        self.timer = timer
        self.unretrievedErrorHandler = unretrievedErrorHandler
    }

    // MARK: Unread errors
    //
    // Failed futures released without anyone reading their error are reported, so that the failure of
    // fire-and-forget work is not silent (cpython #120508).
    //
    // A future's error counts as read once it reached a caller: ``Future/result(timeout:)`` threw it,
    // ``Future/error(timeout:)`` returned it, ``Future/value`` threw it, or a `map`, combinator or streaming
    // map handed it on. Waiting (`wait`, `asCompleted`), checking ``Future/state`` or being called back does
    // not read it. A cancelled future has no error and is never reported.
    //
    // The check is in the future's `deinit`: one uncontended lock and a flag that sits in padding, so it
    // costs no memory. The report runs once, on the thread that releases the last reference, with no lock
    // held: a pool's ``ThreadPoolHooks/unretrievedError`` if it set one, else one line on standard error.

    /// Reports the unread `error` of a future being released: to the pool's handler in `attachment` if it
    /// has one, else with ``writeDefaultReport(_:)``.
    static func reportUnretrieved(_ error: any Error, attachment: FutureAttachment?) {
        if let handler = attachment?.unretrievedErrorHandler {
            handler(error)
        } else {
            writeDefaultReport(error)
        }
    }

    /// The default: one line on standard error, written with one `write` call so lines from several
    /// threads do not interleave.
    static func writeDefaultReport(_ error: any Error) {
        PlatformProcess.writeToStandardError(
            "Futures: a future failed and nobody read its error: \(String(describing: error))\n")
    }
}

extension Future {
    /// How long the work waited in the queue and how long it ran, if the pool that made this future
    /// records task times (``ThreadPoolConfiguration/recordsTaskTimes``); `nil` otherwise.
    ///
    /// ```swift
    /// let pool = ThreadPoolExecutor(maxWorkers: 2, configuration: .init(recordsTaskTimes: true))
    /// let future = try pool.submit { try load(path) }
    /// _ = try future.result()
    /// print(future.times!.queued!, future.times!.running!)
    /// ```
    public var times: TaskTimes? {
        withMachine { $0.attachment }?.timer?.times
    }

    /// Hangs `attachment` on a new future, before anyone else can see it.
    func attach(_ attachment: FutureAttachment) {
        _ = withMachine { $0.addListener(.attachment(attachment)) }
    }
}
