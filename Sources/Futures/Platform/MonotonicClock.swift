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

/// The clock every deadline of the library is measured on: `CLOCK_MONOTONIC`, which never goes back and
/// does not follow changes of the wall clock. (Linux's stops while the machine sleeps; Darwin's goes on.)
enum MonotonicClock {
    /// Nanoseconds since an arbitrary point (the boot, on Linux and Darwin).
    @inline(__always)
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}

extension timespec {
    /// `nanoseconds` as seconds and nanoseconds. Set field by field: musl's `timespec` has padding
    /// bit-fields, so the memberwise initializer differs between C libraries.
    init(nanoseconds: UInt64) {
        self.init()
        tv_sec = .init(clamping: nanoseconds / 1_000_000_000)
        tv_nsec = .init(nanoseconds % 1_000_000_000)
    }
}
