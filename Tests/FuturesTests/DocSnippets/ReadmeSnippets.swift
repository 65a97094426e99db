// The opening example of README.md, as printed there (with the snippets' stand-in `paths` and `fileSize`).

import Foundation
import Futures
import Testing

@Suite struct ReadmeSnippets: DocSnippets {
    @Test func openingExample() throws {
        let lengths = try withThreadPoolExecutor(maxWorkers: 8) { pool in
            let first = try pool.submit { try String(contentsOfFile: "/etc/hostname", encoding: .utf8) }
            first.addDoneCallback { print("read:", $0.state) }           // runs when it is done
            let sizes = try pool.map(paths, timeout: .seconds(10)) { path in try fileSize(path) }
            for future in asCompleted(try paths.map { p in try pool.submit { try fileSize(p) } }) {
                print(try future.result())                               // in completion order
            }
            return sizes
        }                                                                // the pool is shut down here
        #expect(lengths == (1...8).map { $0 * 100 })
    }
}
