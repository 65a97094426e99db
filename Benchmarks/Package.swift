// swift-tools-version:6.0
import PackageDescription

// The benchmarks live in their own package so the library itself keeps no dependencies.
// Run from the repository root:  swift run -c release --package-path Benchmarks [-- --quick]
let package = Package(
    name: "FuturesBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Futures", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // glibc's mallinfo2() is not visible through the Glibc module; this target exposes it.
        .target(name: "CMallocInfo"),
        .executableTarget(
            name: "FuturesBenchmarks",
            dependencies: [
                .product(name: "Futures", package: "Futures"),
                .product(name: "NIOPosix", package: "swift-nio"),
                "CMallocInfo",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
