// FuturesBenchmarks: the library against Dispatch, NIOThreadPool, OperationQueue, withTaskGroup and a plain pool.
//
//   swift run -c release --package-path Benchmarks                   full run (a few minutes)
//   swift run -c release --package-path Benchmarks -- --quick        under a minute, for CI
//   options: --only W1,W3   --rounds N   --json PATH   --chunk-size N   --help

import Foundation

if CommandLine.arguments.dropFirst().first == pendingMemoryChildFlag {
    runPendingMemoryChild(Array(CommandLine.arguments.dropFirst(2)))
}
if CommandLine.arguments.dropFirst().first == oneProcessorChildFlag {
    runOneProcessorChild(Array(CommandLine.arguments.dropFirst(2)))
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let quick = options.quick
let rounds = options.rounds ?? (quick ? 2 : 5)
let allWorkloads =
    makeWorkloads(quick ? .quick : .full, chunkSizeOverride: options.chunkSize)
    + makeGroupWorkloads(sizes: quick ? groupSizesQuick : groupSizes)
    + makeAsyncWorkloads(quick ? .quick : .full)
if let only = options.only, let unknown = only.subtracting(allWorkloads.map(\.id)).first {
    FileHandle.standardError.write(
        Data("unknown workload '\(unknown)' in --only; known: W1 W2 W3 W4 W5 W6 W7 W8 W9 W2-1CPU\n".utf8))
    exit(2)
}
let selected = allWorkloads.filter { options.only?.contains($0.id) ?? true }.map { workload in
    guard let words = options.systems else { return workload }
    return workload.keepingContenders { contender in words.contains { contender.name.lowercased().contains($0) } }
}

let info = ProcessInfo.processInfo
print("FuturesBenchmarks — \(quick ? "quick" : "full") mode, \(rounds) rounds, systems in turn (A B A B)")
let loadBefore = loadAverage()
print(
    "\(info.activeProcessorCount) active processors; \(info.operatingSystemVersionString); load average \(loadBefore)")
if !allocatedBytesIsSupported { print("note: mallinfo2 is not available here; W4 reads 0") }

let started = nowNanoseconds()
var report: [(Workload, RoundValues)] = []
for workload in selected {
    report.append((workload, run(workload, rounds: rounds, warmUp: !quick)))
}

let loadAfter = loadAverage()
print("\n==================== results ====================")
print("load average before \(loadBefore), after \(loadAfter)", terminator: "")
print(" (on 2 cores, anything above ~0.5 means other work shared the machine)")
var outcomes: [TargetOutcome] = []
for (workload, results) in report {
    printTables(workload, results, rounds: rounds)
    outcomes += evaluateTargets(workload, results)
}
if options.systems == nil { outcomes += groupFlatnessTargets(report) }
printTargets(outcomes)

let json = JSONReport(
    generatedAt: ISO8601DateFormatter().string(from: Date()), mode: quick ? "quick" : "full", rounds: rounds,
    machine: .init(
        activeProcessors: info.activeProcessorCount, processors: info.processorCount,
        operatingSystem: info.operatingSystemVersionString, loadAverageBefore: loadBefore,
        loadAverageAfter: loadAfter),
    workloads: report.map { makeJSONWorkload($0.0, $0.1) }, targets: outcomes)
do {
    try writeJSON(json, to: options.jsonPath)
    print("\nraw figures written to \(options.jsonPath)")
} catch {
    FileHandle.standardError.write(Data("could not write \(options.jsonPath): \(error)\n".utf8))
    exit(1)
}
print(String(format: "total time %.1f s", Double(nowNanoseconds() - started) / 1e9))
