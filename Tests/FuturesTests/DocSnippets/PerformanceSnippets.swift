// The snippets of Docs/Futures.docc/Performance.md, as printed there.

import Foundation
import Futures
import Testing

@Suite struct PerformanceSnippets: DocSnippets {
    @Test func chunking() throws {
        try withThreadPoolExecutor { pool in
            let squares = try pool.map(0..<100_000) { n in n * n }             // tiny work: the pool picks big chunks
            let pages = try pool.map(paths, chunkSize: 1) { path in try download(path) }  // uneven work: one per task
            #expect(squares.count == 100_000 && pages.count == paths.count)
        }
    }

    @Test func sizing() throws {
        let io = ThreadPoolExecutor(maxWorkers: 64, threadNamePrefix: "io")     // threads mostly wait
        let cpu = ThreadPoolExecutor(
            maxWorkers: ProcessInfo.processInfo.activeProcessorCount, threadNamePrefix: "cpu")
        defer {
            io.shutdown()
            cpu.shutdown()
        }
        let data = try io.submit { try download(paths[0]) }.result()
        let checksum = try cpu.submit { data.reduce(0) { ($0 &* 31) &+ Int($1) } }.result()
        print(checksum)
    }

    @Test func boundedQueue() throws {
        let pool = ThreadPoolExecutor(
            maxWorkers: 4, configuration: .init(maxQueued: 100, whenFull: .block))
        defer { pool.shutdown() }
        for n in 0..<1_000 {
            _ = try pool.submit { slow(n, milliseconds: 0) }    // blocks while 100 tasks wait
        }
        try pool.waitUntilIdle(timeout: .seconds(30))
    }
}
