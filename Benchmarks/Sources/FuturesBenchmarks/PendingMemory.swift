// W4 runs each measurement in a fresh child process (this same executable, with --w4-child).
//
// malloc's counters are process-wide: in one process, threads that an earlier system left behind (Dispatch's
// idle workers exiting and dropping their caches, say) free memory while the next system is being measured,
// and a figure of ~40 bytes came out as -36. A new process has seen no other system.

import Foundation

let pendingMemoryChildFlag = "--w4-child"

/// Parent side: runs `<this executable> --w4-child <system> <tasks>` and reads its one result line.
func pendingMemoryInChildProcess(system: String, tasks: Int) -> (bytesPerTask: Double, ranEarly: Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: currentExecutablePath())
    process.arguments = [pendingMemoryChildFlag, system, String(tasks)]
    let output = Pipe()
    process.standardOutput = output
    do {
        try process.run()
    } catch {
        fatalError("W4: could not start the child process for \(system): \(error)")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0,
        let line = text.split(separator: "\n").last(where: { $0.hasPrefix("W4RESULT ") }),
        case let fields = line.split(separator: " "), fields.count == 3,
        let bytes = Double(fields[1]), let ranEarly = Int(fields[2])
    else {
        fatalError("W4: the child process for \(system) failed (status \(process.terminationStatus)): \(text)")
    }
    return (bytes, ranEarly)
}

/// Child side: measures one system once and prints `W4RESULT <bytes per task> <tasks that ran early>`.
func runPendingMemoryChild(_ arguments: [String]) -> Never {
    guard arguments.count == 2, let tasks = Int(arguments[1]), tasks > 0,
        let system = allPoolSystems().first(where: { $0.name == arguments[0] })
    else {
        FileHandle.standardError.write(Data("usage: \(pendingMemoryChildFlag) SYSTEM-NAME TASKS\n".utf8))
        exit(2)
    }
    let (bytes, ranEarly) = system.pendingMemory(tasks: tasks, workers: defaultWorkers)
    print("W4RESULT \(bytes) \(ranEarly)")
    exit(0)
}

func currentExecutablePath() -> String {
    #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    #endif
    return Bundle.main.executablePath ?? CommandLine.arguments[0]
}
