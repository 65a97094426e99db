// swift-tools-version:6.1
import PackageDescription

// A small HTTP service that runs blocking SQLite queries through the Futures pool, beside the other ways a
// server developer makes a blocking call today (swift-nio's NIOThreadPool, or a call right in the handler).
// It lives in its own package so the library keeps no dependencies. From the repository root:
//   swift run -c release --package-path Integration/SQLiteService SQLiteService
let package = Package(
    name: "SQLiteService",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Futures", path: "../.."),
        // No traits: the service needs neither swift-configuration nor the Foundation-only extras, and
        // leaving them out makes the build shorter.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Hummingbird's own dependencies, named because the service imports them.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
    ],
    targets: [
        // The system's SQLite (Debian: `apt-get install libsqlite3-dev`; macOS ships it).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .executableTarget(
            name: "SQLiteService",
            dependencies: [
                "CSQLite",
                .product(name: "Futures", package: "Futures"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
