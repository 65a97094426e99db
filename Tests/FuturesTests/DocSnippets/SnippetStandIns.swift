// More stand-ins for the documentation's snippets, beside those of SnippetSupport.swift. The Glossary
// article ("Names the snippets use") and the README list every one and what it stands for.

import Foundation
import Futures

extension DocSnippets {
    /// Stands for the lines of a text file: a few short strings.
    var lines: [String] { (1...40).map { "line \($0) of a text file" } }

    /// Stands for a CPU-bound step, such as a hash: a checksum of `text`.
    @Sendable func checksum(_ text: String) -> Int {
        text.utf8.reduce(0) { ($0 &* 31) &+ Int($1) }
    }
}
