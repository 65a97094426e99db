// The main demo: a blocking C call mapped over 100 inputs, first one after another, then on a pool.
//
//     swift run ParallelMap
//
// The blocking call is `getaddrinfo("localhost")` followed by a 20 ms `usleep`, standing in for a slow
// driver or a C library with no async API: each call holds its thread while it waits.

import Foundation
import Futures

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#elseif canImport(Android)
    import Android
#endif

/// Resolves `localhost` and then waits 20 ms, as a slow blocking C call would. Returns the number of
/// addresses found.
@Sendable func blockingLookup(_ input: Int) -> Int {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    var result: UnsafeMutablePointer<addrinfo>?
    var count = 0
    if getaddrinfo("localhost", String(8000 + input), &hints, &result) == 0 {
        var entry = result
        while let current = entry {
            count += 1
            entry = current.pointee.ai_next
        }
        freeaddrinfo(result)
    }
    usleep(20_000)
    return count
}

let inputs = Array(0..<100)
let clock = ContinuousClock()

print("Mapping a blocking call (getaddrinfo + 20 ms) over \(inputs.count) inputs")

var serialResults: [Int] = []
let serial = clock.measure {
    serialResults = inputs.map(blockingLookup)
}
print("serial:            \(serial.formatted(.units(allowed: [.milliseconds])))")

let workers = 32
var pooledResults: [Int] = []
let pooled = try clock.measure {
    pooledResults = try withThreadPoolExecutor(maxWorkers: workers) { pool in
        try pool.map(inputs, blockingLookup)
    }
}
print("pool of \(workers) threads: \(pooled.formatted(.units(allowed: [.milliseconds])))")

precondition(serialResults == pooledResults, "the pool returned different results")
let speedUp = serial / pooled
print("speed-up:          \(String(format: "%.1f", speedUp))x, same results in the same order")
