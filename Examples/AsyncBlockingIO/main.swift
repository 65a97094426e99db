// Blocking calls from async code: through the pool, and (wrongly) straight on the cooperative pool.
//
//     swift run AsyncBlockingIO
//
// A task group makes 64 blocking calls (a `usleep` of 50–100 ms, standing in for a C library that does
// I/O) while an unrelated async "ticker" tries to wake every 10 ms. The ticker prints its worst gap:
//
// 1. `pool.run { … }`: the calls run on the pool's threads; every task awaits without holding a thread,
//    so the ticker keeps its cadence.
// 2. `group.addTask(executorPreference: pool) { … }`: the same, with the blocking stretch of each child
//    task running on a pool worker.
// 3. The calls made straight in `group.addTask { … }`: they park the cooperative pool's few threads
//    (one per core), so every other task in the program, the ticker included, stalls until they end.

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

let calls = 64
let tick = Duration.milliseconds(10)

/// The blocking call: sleeps 50–100 ms (a fixed spread, so runs compare), holding its thread.
@Sendable func blockingCall(_ index: Int) -> Int {
    usleep(UInt32(50_000 + (index * 37 % 51) * 1_000))
    return index
}

/// Starts a task that wakes every `tick` until cancelled, and returns the longest time it waited
/// between two wake-ups.
func startTicker() -> Task<Duration, Never> {
    Task.detached {
        let clock = ContinuousClock()
        var last = clock.now
        var worst = Duration.zero
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            let now = clock.now
            worst = max(worst, now - last)
            last = now
        }
        return worst
    }
}

/// Runs `body` with the ticker going; prints the time taken and the ticker's worst gap.
func measure(_ label: String, _ body: @Sendable () async throws -> Void) async rethrows {
    let clock = ContinuousClock()
    let ticker = startTicker()
    let start = clock.now
    try await body()
    let elapsed = clock.now - start
    ticker.cancel()
    let worst = await ticker.value
    let worstMs = worst.components.seconds * 1000 + worst.components.attoseconds / 1_000_000_000_000_000
    let elapsedMs = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    let padded = label.padding(toLength: 44, withPad: " ", startingAt: 0)
    print("\(padded) \(calls) calls in \(elapsedMs) ms; ticker's worst gap \(worstMs) ms (wanted 10)")
}

try await withThreadPoolExecutor(maxWorkers: 32, threadNamePrefix: "io") { pool in
    try await measure("through the pool: pool.run { }") {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<calls {
                group.addTask { try await pool.run { blockingCall(index) } }
            }
            try await group.waitForAll()
        }
    }
    await measure("on the pool: addTask(executorPreference:)") {
        await withTaskGroup(of: Int.self) { group in
            for index in 0..<calls {
                group.addTask(executorPreference: pool) { blockingCall(index) }
            }
            await group.waitForAll()
        }
    }
}

await measure("without the pool: blocking in addTask { }") {
    await withTaskGroup(of: Int.self) { group in
        for index in 0..<calls {
            group.addTask { blockingCall(index) }  // don't: this parks a cooperative thread
        }
        await group.waitForAll()
    }
}
