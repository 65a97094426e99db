// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Futures",
    products: [
        .library(name: "Futures", targets: ["Futures"])
    ],
    targets: [
        .target(name: "Futures"),
        .testTarget(name: "FuturesTests", dependencies: ["Futures"]),
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
