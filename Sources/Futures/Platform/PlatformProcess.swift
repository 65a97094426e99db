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
import Foundation

/// What the library asks of the process as a whole: its processors, its standard error, its symbols.
enum PlatformProcess {
    /// Processors this process may run on now, as Foundation counts them (on Linux it honours the CPU
    /// affinity mask and cgroup quotas that containers set; on Darwin, `hw.activecpu`).
    static var activeProcessorCount: Int {
        ProcessInfo.processInfo.activeProcessorCount
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
