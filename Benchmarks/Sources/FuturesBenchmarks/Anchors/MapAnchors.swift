// W5 anchors: `x * 2` over an array of Ints, results in input order, with Dispatch.

import Dispatch

enum MapAnchors {
    /// `DispatchQueue.concurrentPerform(iterations: count)`, one iteration per item, writing into the result.
    /// Its width is the number of active processors (2 on the benchmark machine).
    static func concurrentPerform(_ input: [Int]) -> (nanoseconds: UInt64, output: [Int]) {
        timedFill(input.count) { output in
            input.withUnsafeBufferPointer { source in
                let source = SendableBuffer(base: source)
                DispatchQueue.concurrentPerform(iterations: source.base.count) { i in
                    output.base[i] = source.base[i] * 2
                }
            }
        }
    }

    /// `concurrentPerform` with one contiguous chunk per processor: the hand-tuned floor, for orientation.
    static func concurrentPerformChunked(_ input: [Int], chunks: Int) -> (nanoseconds: UInt64, output: [Int]) {
        timedFill(input.count) { output in
            input.withUnsafeBufferPointer { source in
                let source = SendableBuffer(base: source)
                let count = source.base.count
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let lower = count * chunk / chunks
                    let upper = count * (chunk + 1) / chunks
                    for i in lower..<upper { output.base[i] = source.base[i] * 2 }
                }
            }
        }
    }

    /// One `DispatchQueue.global().async(group:)` per item, then `group.wait()`.
    static func dispatchAsyncPerItem(_ input: [Int]) -> (nanoseconds: UInt64, output: [Int]) {
        timedFill(input.count) { output in
            input.withUnsafeBufferPointer { source in
                let source = SendableBuffer(base: source)
                let queue = DispatchQueue.global()
                let group = DispatchGroup()
                for i in 0..<source.base.count {
                    queue.async(group: group) { output.base[i] = source.base[i] * 2 }
                }
                group.wait()
            }
        }
    }

    /// Allocates the result (inside the timed part, as `map` must too) and lets `fill` write every element.
    private static func timedFill(
        _ count: Int, _ fill: (SendablePointer<Int>) -> Void
    ) -> (nanoseconds: UInt64, output: [Int]) {
        let start = nowNanoseconds()
        let output = [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(SendablePointer(base: buffer.baseAddress!))
            initialized = count
        }
        return (nowNanoseconds() - start, output)
    }
}

struct SendableBuffer<T>: @unchecked Sendable {
    let base: UnsafeBufferPointer<T>
}
