// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Futures",
    // The first releases with `Synchronization` (`Mutex`, `Atomic`) and `TaskExecutor`. Linux (glibc and
    // musl) needs no entry: any Swift 6 toolchain.
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "Futures", targets: ["Futures"])
    ],
    targets: [
        .target(name: "Futures"),
        .testTarget(
            name: "FuturesTests", dependencies: ["Futures"],
            // Swift Testing's exit tests (`#expect(processExitsWith:)`) exist on macOS and Linux only: on
            // iOS, tvOS, watchOS and visionOS the macro is unavailable, so those tests are compiled out there.
            swiftSettings: [.define("EXIT_TESTS", .when(platforms: [.macOS, .linux]))]),
        .executableTarget(name: "ParallelMap", dependencies: ["Futures"], path: "Examples/ParallelMap"),
        .executableTarget(name: "WorkQueue", dependencies: ["Futures"], path: "Examples/WorkQueue"),
        .executableTarget(name: "Crawler", dependencies: ["Futures"], path: "Examples/Crawler"),
        .executableTarget(name: "Shutdown", dependencies: ["Futures"], path: "Examples/Shutdown"),
        .executableTarget(name: "AsyncBlockingIO", dependencies: ["Futures"], path: "Examples/AsyncBlockingIO"),
        .executableTarget(name: "LeakCheck", dependencies: ["Futures"], path: "Examples/LeakCheck"),
        // Commits one misuse; built in release by .ci/release-misuse.sh, whose test reads its message.
        .executableTarget(name: "MisuseProbe", dependencies: ["Futures"], path: "Tests/MisuseProbe"),
    ],
    swiftLanguageModes: [.v6]
)
