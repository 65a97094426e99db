// The snippets of Docs/Futures.docc/MigrationGuide.md, as printed there.

import Foundation
import Futures
import Testing

@Suite struct MigrationGuideSnippets: DocSnippets {
    @Test func fromPython() throws {
        // with ThreadPoolExecutor(max_workers=8) as pool:
        //     futures = {pool.submit(download, url): url for url in urls}
        //     for future in as_completed(futures, timeout=30):
        //         print(futures[future], len(future.result()))
        let urls = paths
        try withThreadPoolExecutor(maxWorkers: 8) { pool in
            var futures: [Future<Data>: String] = [:]
            for url in urls { futures[try pool.submit { try download(url) }] = url }
            try asCompleted(futures.keys, timeout: .seconds(30)).forEach { future in
                print(futures[future]!, try future.result().count)
            }
        }
    }

    @Test func fromJava() throws {
        // ExecutorService pool = Executors.newFixedThreadPool(4);
        // Future<Integer> f = pool.submit(() -> size(path));
        // int n = f.get(5, TimeUnit.SECONDS);
        // pool.shutdown(); pool.awaitTermination(1, TimeUnit.MINUTES);
        let pool = ThreadPoolExecutor(maxWorkers: 4)
        let f = try pool.submit { try fileSize(paths[0]) }
        let n = try f.result(timeout: .seconds(5))
        pool.shutdown(wait: false)
        try pool.awaitTermination(timeout: .seconds(60))   // throws FutureError.timedOut instead of returning false
        #expect(n == 100)
    }

    @Test func fromTokio() async throws {
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        // let handle = tokio::task::spawn_blocking(move || read_config(&path));
        // let config = tokio::time::timeout(Duration::from_secs(2), handle).await??;
        let config = try await pool.run(deadline: .now + .seconds(2)) { try fileSize(paths[0]) }
        #expect(config == 100)
        await pool.shutdown()
    }

    @Test func fromDispatch() throws {
        // let group = DispatchGroup()
        // for path in paths { DispatchQueue.global().async(group: group) { process(path) } }
        // group.wait()
        try withThreadPoolExecutor(maxWorkers: 4) { pool in
            let futures = try paths.map { path in try pool.submit { try fileSize(path) } }
            let (done, _) = wait(futures)
            for future in done { _ = try future.result() }   // errors are not lost
        }
    }
}
