import Foundation

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Android)
    import Android
#else
    #error("Futures: unknown C library; the Platform folder has branches for Darwin, Glibc, Musl and Android")
#endif

/// What the library asks of the process as a whole: its processors, its standard error, its symbols.
enum PlatformProcess {
    /// Processors this process may run on now, as Foundation counts them (on Darwin, `hw.activecpu`; on
    /// Linux the processors online, which does not honour a CPU affinity mask such as `taskset`'s: see
    /// ``schedulableProcessorCount``).
    static var activeProcessorCount: Int {
        ProcessInfo.processInfo.activeProcessorCount
    }

    /// Processors the calling thread may be scheduled on: ``activeProcessorCount``, lowered on Linux and
    /// Android to the size of the thread's CPU affinity mask (`sched_getaffinity`), as `taskset` or a
    /// container's `cpuset` sets it. Read once, when it decides whether idle workers spin: on one
    /// processor a spinning worker only takes time from the thread that would hand it work.
    static var schedulableProcessorCount: Int {
        let online = activeProcessorCount
        #if canImport(Glibc) || canImport(Musl) || canImport(Android)
            // A `cpu_set_t` (1,024 processors, 128 bytes), as bytes: the C library's type and its `CPU_COUNT`
            // macro are not all visible from Swift.
            var mask = [UInt8](repeating: 0, count: 128)
            let status = mask.withUnsafeMutableBytes { schedGetAffinity(0, $0.count, $0.baseAddress!) }
            guard status == 0 else { return online }
            let allowed = mask.reduce(0) { $0 + $1.nonzeroBitCount }
            return allowed > 0 ? min(online, allowed) : online
        #else
            return online
        #endif
    }

    /// Writes `text` to standard error with one `write` call, so lines from several threads do not
    /// interleave.
    static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// The address of the function or variable `name` in the running process and its libraries, or `nil`
    /// if none is loaded. (`dlopen(nil)` gives the main program's handle on glibc, musl and Android, and
    /// `RTLD_DEFAULT` on Darwin; `dlsym` on it searches the program and the libraries it loaded.)
    static func symbol(named name: String) -> UnsafeMutableRawPointer? {
        guard let process = dlopen(nil, RTLD_NOW) else { return nil }
        return dlsym(process, name)
    }
}

#if canImport(Glibc) || canImport(Musl) || canImport(Android)
    /// `sched_getaffinity`, which the C library modules do not export (it is a GNU extension, also in musl and
    /// Bionic): the calling thread's CPU mask when `pid` is 0.
    @_silgen_name("sched_getaffinity")
    private func schedGetAffinity(_ pid: Int32, _ size: Int, _ mask: UnsafeMutableRawPointer) -> Int32
#endif
