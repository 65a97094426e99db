import Foundation

extension Executor {
    /// The buffer size the streaming maps use when none is given: four times the workers of a
    /// ``ThreadPoolExecutor``, four times the active processors for other executors. The buffer refills
    /// from half empty, so at least twice the workers stay in flight: one running and one queued behind
    /// it for each worker while the consumer catches up.
    var defaultStreamingBufferSize: Int {
        if let pool = self as? ThreadPoolExecutor { return 4 * pool.maxWorkers }
        return 4 * ProcessInfo.processInfo.activeProcessorCount
    }

    /// Checks a caller's `bufferSize`, stopping the program with a message if it is below 1.
    @usableFromInline
    func checkedBufferSize(_ bufferSize: Int?, in function: StaticString) -> Int {
        guard let bufferSize else { return defaultStreamingBufferSize }
        if bufferSize <= 0 {
            fatalError("\(function): bufferSize must be at least 1, got \(bufferSize)")
        }
        return bufferSize
    }
}
