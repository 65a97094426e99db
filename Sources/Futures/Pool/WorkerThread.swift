/// Naming worker threads.
enum WorkerThread {
    /// `"<prefix>_<number>"`, fitted to `limit` bytes (by default the platform's,
    /// ``PlatformThread/maxNameBytes``) so that what tells threads apart survives: the prefix is shortened
    /// from its end and the `_<number>` kept; and when the prefix ends in `-<digits>` (the pool number of
    /// the default prefix `ThreadPoolExecutor-<k>`), the part before it is shortened and the pool number
    /// kept too: `ThreadPoolExecutor-12` and thread 3 make `ThreadPool-12_3` in Linux's 15 bytes.
    static func name(prefix: String, number: Int, limit: Int = PlatformThread.maxNameBytes) -> String {
        let suffix = "_\(number)"
        let full = prefix + suffix
        guard full.utf8.count > limit else { return full }
        var head = Substring(prefix)
        var kept = Substring(suffix)
        if let dash = prefix.lastIndex(of: "-") {
            let digits = prefix[prefix.index(after: dash)...]
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                prefix[dash...].utf8.count + suffix.utf8.count < limit
            {
                head = prefix[..<dash]
                kept = prefix[dash...] + suffix
            }
        }
        while head.utf8.count + kept.utf8.count > limit, !head.isEmpty {
            head.removeLast()
        }
        return String(head + kept)
    }
}
