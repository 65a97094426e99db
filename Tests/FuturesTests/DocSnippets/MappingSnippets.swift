// The snippets of Docs/Futures.docc/Mapping.md, as printed there.

import Foundation
import Futures
import Testing

@Suite struct MappingSnippets: DocSnippets {
    @Test func mapAllAtOnce() throws {
        try withThreadPoolExecutor(maxWorkers: 4) { pool in
            let sizes = try pool.map(paths, timeout: .seconds(10)) { path in try fileSize(path) }
            #expect(sizes.count == paths.count)
        }
    }

    @Test func lazyMapAsync() async throws {
        try await withThreadPoolExecutor(maxWorkers: 4) { pool in
            for try await digest in pool.lazyMap(lines, bufferSize: 16, { checksum($0) }) {   // any Sequence of inputs
                print(digest)
            }
        }
    }

    @Test func lazyMapBlocking() throws {
        try withThreadPoolExecutor(maxWorkers: 4) { pool in
            var digests = pool.lazyMap(lines, bufferSize: 16) { checksum($0) }.makeIterator()
            while let digest = try digests.next() { print(digest) }
        }
    }

    @Test func lazyMapEndless() throws {
        try withThreadPoolExecutor(maxWorkers: 4) { pool in
            let numbers = sequence(first: 1) { $0 + 1 }                  // 1, 2, 3, … without end
            var squares = pool.lazyMap(numbers, bufferSize: 8) { n in n * n }.makeIterator()
            while let square = try squares.next(), square < 1_000 { print(square) }
        }
    }

    @Test func results() {
        withThreadPoolExecutor(maxWorkers: 4) { pool in
            let pages = pool.lazyMap(paths + ["/no/such/file"]) { path in try download(path) }
            for result in pages.results {
                switch result {
                case .success(let page): print("read", page.count, "bytes")
                case .failure(let error): print("failed:", error)
                }
            }
        }
    }

    @Test func streamDeadline() async throws {
        try await withThreadPoolExecutor(maxWorkers: 4) { pool in
            do {
                for try await size in pool.lazyMap(paths, timeout: .seconds(2), { path in try fileSize(path) }) {
                    print(size)
                }
            } catch FutureError.timedOut {
                print("gave up after two seconds; what had not started was cancelled")
            }
        }
    }

    @Test func asyncInput() async throws {
        try await withThreadPoolExecutor(maxWorkers: 4) { pool in
            let requests = AsyncStream<String> { continuation in         // any AsyncSequence of inputs
                for path in paths { continuation.yield(path) }
                continuation.finish()
            }
            for try await size in pool.lazyMap(requests, bufferSize: 8, { path in try fileSize(path) }) {
                print(size)
            }
        }
    }

    @Test func combinators() throws {
        try withThreadPoolExecutor(maxWorkers: 4) { pool in
            let results = try pool.invokeAll({ try fileSize(paths[0]) }, { try fileSize("/no/such/file") })
            let page = try pool.invokeAny({ try download("/no/such/file") }, { try download(paths[1]) })
            #expect(results.count == 2 && page.count == 200)
        }
    }

    @Test func combinatorsAsync() async throws {
        try await withThreadPoolExecutor(maxWorkers: 4) { pool in
            let checks: [@Sendable () throws -> Bool] = paths.map { path in { try fileSize(path) > 0 } }
            let nonEmpty = try await pool.invokeAll(checks, timeout: .seconds(5))
            #expect(nonEmpty.count == paths.count)
        }
    }

    @Test func chaining() async throws {
        try await withThreadPoolExecutor(maxWorkers: 4) { pool in
            let byteCount = try pool.submit { paths[0] }                     // e.g. find which file to read
                .flatMap { path in try pool.submit { try download(path) } }  // a heavy step: back onto the pool
                .map { data in data.count }                                  // a quick step
            let count = try await byteCount.value
            #expect(count == 100)
        }
    }
}
