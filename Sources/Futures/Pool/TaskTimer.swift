/// The clock readings behind a future's ``TaskTimes``: set once each, by the submitting thread and the
/// thread that runs the work.
final class TaskTimer: Sendable {
    private struct Readings {
        var submitted: Deadline
        var started: Deadline?
        var ended: Deadline?
    }

    private let readings: Locked<Readings>

    init() {
        readings = Locked(Readings(submitted: .now()))
    }

    func start() {
        let now = Deadline.now()
        readings.withLock { $0.started = now }
    }

    func end() {
        let now = Deadline.now()
        readings.withLock { $0.ended = now }
    }

    var times: TaskTimes {
        readings.withLock { readings in
            TaskTimes(
                queued: readings.started.map { Self.duration(from: readings.submitted, to: $0) },
                running: readings.started.flatMap { start in readings.ended.map { Self.duration(from: start, to: $0) } }
            )
        }
    }

    private static func duration(from start: Deadline, to end: Deadline) -> Duration {
        end.nanoseconds > start.nanoseconds ? .nanoseconds(Int64(clamping: end.nanoseconds - start.nanoseconds)) : .zero
    }
}
