import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What every thread of the test process was doing when a long rendezvous first gave up, on standard
/// error: once per process, Linux only, and only where gdb is installed and may attach.
///
/// Why: CI runs stalled every test until a rendezvous gave up (after 120 s, then 30 s) while something
/// held both of Swift's cooperative threads; the rendezvous that give up are the victims, which name their
/// own lines, not the culprit. The stacks, printed while the stall still holds, name it: they showed two
/// tests blocking a cooperative thread each on a gate only a task, or the test itself, could open (found
/// in a local thread-sanitizer run, where it happened about one run in four). Each thread gets its name and the frames of this test module and of
/// Swift Testing (a stack of the whole process runs to thousands of lines; CI shows part of the output).
enum StallReport {
    private static let printed = Atomic<Bool>(false)

    /// Prints the report, the first time only.
    static func printOnce(after fileID: String, line: Int) {
        #if os(Linux)
            guard !printed.exchange(true, ordering: .relaxed) else { return }
            guard let gdb = ["/usr/bin/gdb", "/usr/local/bin/gdb"].first(where: FileManager.default.isExecutableFile)
            else { return }
            // gdb writes to a file, not a pipe: it stops every thread of this process while it works, the
            // one that would drain a pipe too, and a full pipe would then hold gdb and this process for good.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("futures-stall-\(getpid()).txt")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: gdb)
            process.arguments = [
                "-p", String(getpid()), "-batch", "-nx", "-ex", "set print frame-arguments none",
                "-ex", "set logging file \(file.path)", "-ex", "set logging redirect on", "-ex",
                "set logging enabled on",
                "-ex", "thread apply all bt 40",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return }
            process.waitUntilExit()
            guard let data = FileManager.default.contents(atPath: file.path) else { return }
            let stacks = String(decoding: data, as: UTF8.self)
            let report = summary(of: stacks, after: "\(fileID):\(line)") + "(every frame: \(file.path))\n"
            FileHandle.standardError.write(Data((demangled(report) ?? report).utf8))
        #endif
    }

    /// `text` with its Swift symbols demangled by the toolchain's `swift-demangle`, if it is on the path.
    private static func demangled(_ text: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        guard
            let tool = path.split(separator: ":").map({ "\($0)/swift-demangle" })
                .first(where: FileManager.default.isExecutableFile)
        else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--simplified"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch { return nil }
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        let result = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return result
    }

    /// Each thread's header line, its innermost frames, and its frames in this test module or Swift Testing.
    static func summary(of stacks: String, after rendezvous: String) -> String {
        var lines = ["stall report (the rendezvous at \(rendezvous) gave up first): each thread, its test frames"]
        var frameOfThread = 0
        for line in stacks.split(separator: "\n") {
            if line.hasPrefix("Thread ") {
                lines.append("  " + line.prefix(100))
                frameOfThread = 0
            } else if line.hasPrefix("#") {
                frameOfThread += 1
                // "#3  0x… in symbol (…) at file:line" or "#0  symbol (…)".
                let words = line.split(separator: " ")
                let symbol = words.firstIndex(of: "in").map { words[$0 + 1] } ?? words.dropFirst().first ?? ""
                if frameOfThread <= 3 {
                    lines.append("    " + symbol.prefix(80))
                } else if line.contains("FuturesTests") || line.contains("7Testing") {
                    lines.append("    " + symbol)
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
