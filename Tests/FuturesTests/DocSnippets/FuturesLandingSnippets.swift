// The snippet of the landing page, Docs/Futures.docc/Futures.md, as printed there.

import Foundation
import Futures
import Testing

@Suite struct FuturesLandingSnippets: DocSnippets {
    @Test func overview() throws {
        let sizes = try withThreadPoolExecutor(maxWorkers: 8) { pool in
            try pool.map(paths, timeout: .seconds(10)) { path in try fileSize(path) }
        }   // the pool is shut down here: every task finished, every thread exited
        #expect(sizes == (1...8).map { $0 * 100 })
    }
}
