import Foundation

extension Executor {
    /// The buffer size the streaming maps use when none is given: twice the workers of a
    /// ``ThreadPoolExecutor``, twice the active processors for other executors.
    var defaultStreamingBufferSize: Int {
        if let pool = self as? ThreadPoolExecutor { return 2 * pool.maxWorkers }
        return 2 * ProcessInfo.processInfo.activeProcessorCount
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
