/// A task's job on its way to the worker that will run it, as ``RunInTask`` and ``TaskLocalCarrier`` hand
/// one over: the job may arrive before the worker comes for it, or after (then the worker waits); or
/// nobody will run it here, and it goes to Swift's global concurrent executor instead, since the runtime
/// requires every job to run. A value kept under its owner's lock; the owner wakes and forwards what the
/// calls return once the lock is released.
struct JobHandOff {
    /// The job, until a worker takes it.
    private var job: UnownedJob?
    /// A worker that came before the job, waiting for it.
    private var waitingWorker: Parker?

    /// The job arrives. Returns the worker to wake, if one is waiting.
    mutating func deliver(_ job: UnownedJob) -> Parker? {
        self.job = job
        return waitingWorker.take()
    }

    /// A worker comes for the job: it takes it, or gets the parker to wait on until ``deliver(_:)``.
    mutating func takeOrWait() -> (job: UnownedJob?, wait: Parker?) {
        if let job = job.take() { return (job, nil) }
        let parker = Parker.current
        waitingWorker = parker
        return (nil, parker)
    }

    /// Nobody will run the job here. Returns it, if it came (to be run with ``runElsewhere(_:)``), and the
    /// worker to wake, if one is waiting for it.
    mutating func abandon() -> (job: UnownedJob?, worker: Parker?) {
        (job.take(), waitingWorker.take())
    }

    /// Runs a job that no worker will run on Swift's global concurrent executor.
    static func runElsewhere(_ job: UnownedJob) {
        globalConcurrentExecutor.enqueue(ExecutorJob(job))
    }
}
