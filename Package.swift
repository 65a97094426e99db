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
    ],
    swiftLanguageModes: [.v6]
)
