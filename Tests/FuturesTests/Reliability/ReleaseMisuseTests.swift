import Foundation
import Testing

/// Misuse messages in release builds: `.ci/release-misuse.sh` builds `Tests/MisuseProbe` with `-c release`
/// and points `FUTURES_RELEASE_MISUSE_PROBE` at it; each test runs the probe with one misuse and reads the
/// message from its standard error. Skipped when the variable is not set (a plain `swift test`, whose test
/// binary is a debug build: the exit tests of `MisuseTests` cover that).
/// The release-built probe, if `.ci/release-misuse.sh` built one.
private let releaseMisuseProbe = ProcessInfo.processInfo.environment["FUTURES_RELEASE_MISUSE_PROBE"]

extension Reliability {
    @Suite(
        "Release-build misuse messages",
        .enabled(if: releaseMisuseProbe != nil, "set FUTURES_RELEASE_MISUSE_PROBE (see .ci/release-misuse.sh)"))
    struct ReleaseMisuseTests {
        /// Runs the probe with `argument`; returns its exit status and standard output and error.
        static func run(_ argument: String) throws -> (status: Int32, output: String, error: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: releaseMisuseProbe!)
            process.arguments = [argument]
            let output = Pipe()
            let error = Pipe()
            process.standardOutput = output
            process.standardError = error
            try process.run()
            // Read before waiting, so a full pipe cannot block the child; it ends within seconds.
            let outputData = output.fileHandleForReading.readDataToEndOfFile()
            let errorData = error.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (
                process.terminationStatus, String(decoding: outputData, as: UTF8.self),
                String(decoding: errorData, as: UTF8.self)
            )
        }

        @Test func theProbeIsAReleaseBuild() throws {
            #expect(try Self.run("configuration").output.contains("release"))
        }

        @Test(
            "a release build names the misused parameter and its value",
            arguments: [
                ("chunkSize", "0"), ("maxWorkers", "0"), ("bufferSize", "-1"), ("maxQueued", "0"),
                ("maxTasksPerWorker", "0"),
            ])
        func misuseMessage(parameter: String, value: String) throws {
            let result = try Self.run(parameter)
            #expect(result.status != 0, "the probe must stop")
            #expect(
                result.error.contains(parameter) && result.error.contains("got \(value)"), "stderr: \(result.error)")
        }
    }
}
