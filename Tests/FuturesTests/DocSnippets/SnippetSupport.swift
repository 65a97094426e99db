// The stand-ins that the documentation's snippets call: a blocking file-size read, a slow download, a few
// paths. Each article's snippets live in <Article>Snippets.swift beside this file, in a suite that adopts
// `DocSnippets`, so they compile exactly as printed in Docs/Futures.docc and the quick ones run as tests.

import Foundation
import Futures

/// Files the snippets read: a few small files written once to a temporary folder.
enum SnippetFiles {
    static let paths: [String] = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("FuturesDocSnippets-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return (1...8).map { number in
            let path = folder.appendingPathComponent("file-\(number).txt").path
            try? String(repeating: "x", count: number * 100).write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }()
}

/// An error the snippets' stand-in work throws.
struct SnippetError: Error, Equatable {
    var message: String
}

/// The helpers every snippet may call, as members so that they never clash with other tests' names.
protocol DocSnippets: Sendable {}

extension DocSnippets {
    /// Paths of small files that exist.
    var paths: [String] { SnippetFiles.paths }

    /// A blocking call: the size of the file at `path`, in bytes.
    @Sendable func fileSize(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    /// A blocking call that takes `milliseconds` and returns `value`.
    @Sendable func slow<T>(_ value: T, milliseconds: Int = 10) -> T {
        usleep(UInt32(milliseconds * 1000))
        return value
    }

    /// A blocking "download": reads the file at `url` (a path here).
    @Sendable func download(_ url: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url) else {
            throw SnippetError(message: "no such file: \(url)")
        }
        return data
    }
}
