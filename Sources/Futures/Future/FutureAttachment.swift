/// What a pool hangs on a future it makes when its configuration asks for more than the plain future
/// holds: the task timer and the pool's unretrieved-error handler. Stored as the first entry of the
/// future's listener list, which keeps it after completion, so futures of pools that ask for neither
/// carry nothing.
@usableFromInline
final class FutureAttachment: Sendable {
    let timer: TaskTimer?
    let unretrievedErrorHandler: (@Sendable (any Error) -> Void)?

    init(timer: TaskTimer?, unretrievedErrorHandler: (@Sendable (any Error) -> Void)?) {
        self.timer = timer
        self.unretrievedErrorHandler = unretrievedErrorHandler
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
