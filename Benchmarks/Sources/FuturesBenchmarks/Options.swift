// Command-line options.

import Foundation

struct Options {
    static let usage = """
        usage: FuturesBenchmarks [--quick] [--only W1,W2,...] [--rounds N] [--json PATH] [--chunk-size N]
                                 [--systems WORD,...]
          --quick         small counts and 2 rounds (under a minute); CI runs this
          --only LIST     run only these workloads (W1 throughput, W2 round trip, W3 blocking fan-out,
                          W4 memory, W5 map, W6 groups at scale, W7 async round trip,
                          W8 async fan-out, W9 many submitters, W2-1CPU round trip on one processor)
          --rounds N      measured rounds per workload (default 5, quick 2); each round runs every system once
          --json PATH     where to write the raw figures (default benchmark-results.json)
          --chunk-size N  chunkSize of the "tuned" map row (default 16384)
          --systems LIST  run only the rows whose name contains one of these words (case-insensitive),
                          e.g. --systems futures,plain; handy under perf or valgrind
        """

    var quick = false
    var only: Set<String>? = nil
    var rounds: Int? = nil
    var jsonPath = "benchmark-results.json"
    var chunkSize: Int? = nil
    var systems: [String]? = nil

    /// Parses the arguments (without the program name); prints the usage and exits on a bad one.
    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        func value(for option: String) -> String {
            guard let value = iterator.next() else { fail("missing value for \(option)") }
            return value
        }
        func number(for option: String) -> Int {
            let text = value(for: option)
            guard let number = Int(text), number > 0 else {
                fail("\(option) needs a positive whole number, not '\(text)'")
            }
            return number
        }
        while let argument = iterator.next() {
            switch argument {
            case "--quick": options.quick = true
            case "--only": options.only = Set(value(for: argument).uppercased().split(separator: ",").map(String.init))
            case "--rounds": options.rounds = number(for: argument)
            case "--json": options.jsonPath = value(for: argument)
            case "--chunk-size": options.chunkSize = number(for: argument)
            case "--systems":
                options.systems = value(for: argument).lowercased().split(separator: ",").map(String.init)
            case "--help", "-h":
                print(usage)
                exit(0)
            default: fail("unknown argument '\(argument)'")
            }
        }
        return options
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("\(message)\n\(usage)\n".utf8))
        exit(2)
    }
}
