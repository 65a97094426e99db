// A tiny program that commits one misuse of the library, named by its argument, so that a test can check
// the message the program dies with when it is built in release mode (`swift build -c release`), where
// `precondition` messages are dropped. Run by `.ci/release-misuse.sh`; see Tests/README.md.
//
//   MisuseProbe configuration      prints "release" or "debug" (the test checks it runs a release build)
//   MisuseProbe chunkSize          map with chunkSize: 0
//   MisuseProbe maxWorkers         ThreadPoolExecutor(maxWorkers: 0)
//   MisuseProbe bufferSize         lazyMap with bufferSize: -1
//   MisuseProbe maxQueued          a configuration with maxQueued: 0
//   MisuseProbe maxTasksPerWorker  a configuration with maxTasksPerWorker: 0

import Foundation
import Futures

let misuse = CommandLine.arguments.dropFirst().first ?? ""
switch misuse {
case "configuration":
    #if DEBUG
        print("debug")
    #else
        print("release")
    #endif
case "chunkSize":
    let pool = ThreadPoolExecutor(maxWorkers: 1)
    _ = try pool.map([1, 2, 3], chunkSize: 0) { $0 }
case "maxWorkers":
    _ = ThreadPoolExecutor(maxWorkers: 0)
case "bufferSize":
    let pool = ThreadPoolExecutor(maxWorkers: 1)
    _ = pool.lazyMap([1, 2, 3], bufferSize: -1) { $0 }
case "maxQueued":
    _ = ThreadPoolExecutor(maxWorkers: 1, configuration: .init(maxQueued: 0))
case "maxTasksPerWorker":
    _ = ThreadPoolExecutor(maxWorkers: 1, configuration: .init(maxTasksPerWorker: 0))
default:
    print("usage: MisuseProbe configuration|chunkSize|maxWorkers|bufferSize|maxQueued|maxTasksPerWorker")
    exit(2)
}
