// The runner: rounds A B A B, statistics, the printed tables, the target checks and the JSON file.

import Foundation

/// One figure a workload reports per round, e.g. W2's p50 latency.
struct Metric {
    let key: String
    let label: String
    let unit: String
}

/// One row of a workload's table: a system, or a reference such as W3's ideal.
struct Contender {
    let name: String
    let note: String
    let isOurs: Bool
    /// Runs one round with `count` items; returns the value of each metric (plus any extra keys for the JSON).
    let run: (_ count: Int) -> [String: Double]
}

/// A goal from issue 5, checked on the medians of one run.
struct Target {
    enum Kind {
        /// ours / anchor ≤ limit.
        case ratio(anchor: String)
        /// ours / (the lowest median among the non-ours rows, less those named) ≤ limit.
        case ratioToBestAnchor(excluding: [String])
        /// ours ≤ limit, in the metric's unit.
        case absolute
        /// row / anchor ≤ limit, for a workload whose rows are all ours (W6: each group operation against
        /// the plain loop).
        case rowRatio(row: String, anchor: String)
    }
    let description: String
    let metric: String
    let kind: Kind
    let limit: Double
}

struct Workload {
    let id: String
    let title: String
    /// Items per round (tasks, round trips, integers).
    let count: Int
    /// A short round run once per contender before the measured rounds (full mode); nil for none.
    let warmUpCount: Int?
    let parameters: [String: String]
    let metrics: [Metric]
    let contenders: [Contender]
    let targets: [Target]
    /// The row the table's ratio column divides by (`this/<baseline>`), for a workload that compares rows
    /// of ours with one of them; `nil` prints `ours/this`, ours being the first row of ours.
    var baseline: String? = nil
}

extension Workload {
    /// The same workload with fewer rows (`--systems`); targets are not checked on a partial table.
    func keepingContenders(_ keep: (Contender) -> Bool) -> Workload {
        Workload(
            id: id, title: title, count: count, warmUpCount: warmUpCount, parameters: parameters, metrics: metrics,
            contenders: contenders.filter(keep), targets: [], baseline: baseline)
    }
}

// MARK: - Running

struct RoundValues {
    /// contender name -> one dictionary of metric values per round
    var byContender: [String: [[String: Double]]] = [:]

    func values(_ contender: String, _ metric: String) -> [Double] {
        (byContender[contender] ?? []).compactMap { $0[metric] }
    }
}

func run(_ workload: Workload, rounds: Int, warmUp: Bool) -> RoundValues {
    print("\n\(workload.id) \(workload.title)")
    if warmUp, let warmUpCount = workload.warmUpCount {
        for contender in workload.contenders {
            _ = contender.run(warmUpCount)
        }
    }
    var results = RoundValues()
    for round in 1...rounds {
        print("  round \(round)/\(rounds):", terminator: "")
        for contender in workload.contenders {
            let values = contender.run(workload.count)
            results.byContender[contender.name, default: []].append(values)
            if let ranEarly = values["ranEarly"], ranEarly > 0 {
                print(
                    "\n  warning: \(contender.name): \(Int(ranEarly)) tasks ran before the measurement", terminator: "")
            }
            print(" .", terminator: "")
            fflush(nil)  // all C streams, print's included
        }
        print()
    }
    return results
}

// MARK: - Tables

func format(_ value: Double) -> String {
    guard value.isFinite else { return "—" }
    let magnitude = abs(value)
    let decimals = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 10 ? 1 : 2
    return String(format: "%.\(decimals)f", value)
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let count = text.count
    if count >= width { return text }
    let padding = String(repeating: " ", count: width - count)
    return right ? padding + text : text + padding
}

/// The median figure of the first "ours" row: what every ratio divides.
func oursMedian(_ workload: Workload, _ results: RoundValues, _ metric: String) -> Double? {
    guard let ours = workload.contenders.first(where: \.isOurs) else { return nil }
    let values = results.values(ours.name, metric)
    return values.isEmpty ? nil : Statistics.median(values)
}

func printTables(_ workload: Workload, _ results: RoundValues, rounds: Int) {
    for metric in workload.metrics {
        print("\n\(workload.id) \(workload.title)")
        if let baseline = workload.baseline {
            print("\(metric.label), \(metric.unit); median of \(rounds) rounds; this/base: the row over '\(baseline)'")
        } else {
            print(
                "\(metric.label), \(metric.unit); median of \(rounds) rounds; ours/this < 1 means ours is faster or smaller"
            )
        }
        let nameWidth = max(28, (workload.contenders.map { $0.name.count }.max() ?? 0) + 2)
        let noteWidth = max(20, (workload.contenders.map { $0.note.count }.max() ?? 0) + 2)
        print(
            pad("system", nameWidth) + pad("note", noteWidth) + pad("median", 10, right: true)
                + pad("min–max", 20, right: true)
                + pad(workload.baseline == nil ? "ours/this" : "this/base", 11, right: true))
        let baselineValues = workload.baseline.map { results.values($0, metric.key) } ?? []
        let base =
            workload.baseline == nil
            ? oursMedian(workload, results, metric.key)
            : baselineValues.isEmpty ? nil : Statistics.median(baselineValues)
        for contender in workload.contenders {
            let values = results.values(contender.name, metric.key)
            guard !values.isEmpty else { continue }
            let median = Statistics.median(values)
            let range = "\(format(values.min()!))–\(format(values.max()!))"
            let ratio =
                base.map { String(format: "%.2f", workload.baseline == nil ? $0 / median : median / $0) } ?? "—"
            print(
                pad(contender.name, nameWidth) + pad(contender.note, noteWidth) + pad(format(median), 10, right: true)
                    + pad(range, 20, right: true) + pad(ratio, 11, right: true))
        }
    }
}

// MARK: - Targets

struct TargetOutcome: Codable {
    let workload: String
    let target: String
    let value: Double
    let limit: Double
    let met: Bool
}

func evaluateTargets(_ workload: Workload, _ results: RoundValues) -> [TargetOutcome] {
    workload.targets.compactMap { target in
        let median: (String) -> Double? = { name in
            let values = results.values(name, target.metric)
            return values.isEmpty ? nil : Statistics.median(values)
        }
        if case .rowRatio(let row, let anchor) = target.kind {
            guard let rowMedian = median(row), let anchorMedian = median(anchor) else { return nil }
            let value = rowMedian / anchorMedian
            return TargetOutcome(
                workload: workload.id, target: target.description, value: value, limit: target.limit,
                met: value <= target.limit)
        }
        guard let ours = oursMedian(workload, results, target.metric) else { return nil }
        let value: Double
        switch target.kind {
        case .ratio(let anchor):
            guard let anchorMedian = median(anchor) else { return nil }
            value = ours / anchorMedian
        case .ratioToBestAnchor(let excluded):
            let anchors = workload.contenders.filter { !$0.isOurs && !excluded.contains($0.name) }
                .compactMap { median($0.name) }
            guard let best = anchors.min() else { return nil }
            value = ours / best
        case .absolute:
            value = ours
        case .rowRatio:
            return nil  // handled above
        }
        return TargetOutcome(
            workload: workload.id, target: target.description, value: value, limit: target.limit,
            met: value <= target.limit)
    }
}

func printTargets(_ outcomes: [TargetOutcome]) {
    guard !outcomes.isEmpty else { return }
    print("\nTargets (issue 5), from the medians above")
    for outcome in outcomes {
        let mark = outcome.met ? "met    " : "NOT MET"
        print(
            "  \(mark) \(outcome.workload) \(pad(outcome.target, 58)) \(pad(format(outcome.value), 8, right: true))"
                + "  (limit \(format(outcome.limit)))")
    }
}

// MARK: - JSON

struct JSONReport: Codable {
    struct Machine: Codable {
        let activeProcessors: Int
        let processors: Int
        let operatingSystem: String
        /// /proc/loadavg's first three fields when the run started and ended (empty where unknown).
        let loadAverageBefore: String
        let loadAverageAfter: String
    }
    struct System: Codable {
        let name: String
        let note: String
        let ours: Bool
        /// Raw figures, one dictionary per round (metric key -> value in the metric's unit).
        let rounds: [[String: Double]]
        let median: [String: Double]
    }
    struct WorkloadResult: Codable {
        let id: String
        let title: String
        let count: Int
        let parameters: [String: String]
        /// metric key -> unit
        let units: [String: String]
        let systems: [System]
    }
    let generatedAt: String
    let mode: String
    let rounds: Int
    let machine: Machine
    let workloads: [WorkloadResult]
    let targets: [TargetOutcome]
}

func makeJSONWorkload(_ workload: Workload, _ results: RoundValues) -> JSONReport.WorkloadResult {
    let systems = workload.contenders.map { contender -> JSONReport.System in
        let rounds = results.byContender[contender.name] ?? []
        var medians: [String: Double] = [:]
        for key in Set(rounds.flatMap(\.keys)) {
            medians[key] = Statistics.median(rounds.compactMap { $0[key] })
        }
        return JSONReport.System(
            name: contender.name, note: contender.note, ours: contender.isOurs, rounds: rounds, median: medians)
    }
    return JSONReport.WorkloadResult(
        id: workload.id, title: workload.title, count: workload.count, parameters: workload.parameters,
        units: Dictionary(uniqueKeysWithValues: workload.metrics.map { ($0.key, $0.unit) }), systems: systems)
}

func writeJSON(_ report: JSONReport, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = try encoder.encode(report)
    try data.write(to: URL(fileURLWithPath: path))
}

/// The 1, 5 and 15 minute load averages from /proc/loadavg ("?" where there is none).
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}
