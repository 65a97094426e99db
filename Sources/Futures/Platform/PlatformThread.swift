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

// Threads: start, name, identity, join, detach. The one place in the library that names pthread calls for
// threads; the branches follow swift-nio's `NIOPosix/ThreadPosix.swift` (2.101.2).

/// One thread of the process, by its pthread handle.
///
/// Only an identifier: on Darwin and musl `pthread_t` is a pointer, on glibc and Android an integer, and
/// nothing here reads through it, so it can be kept under a lock and sent between threads.
struct PlatformThread: @unchecked Sendable, Equatable {  // a handle for pthread calls on any thread; never dereferenced
    private let handle: pthread_t

    /// The longest thread name the platform keeps, in bytes, not counting the terminating zero: Linux
    /// (glibc, musl) and Android keep 16 bytes with the zero (`TASK_COMM_LEN`), Darwin 64
    /// (`MAXTHREADNAMESIZE` in `<sys/proc_info.h>`).
    #if canImport(Darwin)
        static let maxNameBytes = 63
    #else
        static let maxNameBytes = 15
    #endif

    /// The calling thread.
    @inline(__always)
    static var current: PlatformThread { PlatformThread(handle: pthread_self()) }

    @inline(__always)
    static func == (lhs: PlatformThread, rhs: PlatformThread) -> Bool {
        pthread_equal(lhs.handle, rhs.handle) != 0
    }

    /// Waits for the thread to end and frees what the system keeps for it. Once per thread that was not
    /// detached, never on the calling thread itself.
    func join() {
        _ = pthread_join(handle, nil)
    }

    /// Lets the system free the thread's resources when it ends, without a `join`.
    func detach() {
        _ = pthread_detach(handle)
    }

    /// Gives up the processor to another ready thread (`sched_yield`).
    @inline(__always)
    static func yield() {
        _ = sched_yield()
    }

    /// What a new thread runs: its name and its body, handed over through `pthread_create`'s argument.
    private final class Start: Sendable {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts a joinable thread that names itself `name` (see ``setCurrentName(_:)``), then runs `body`.
    ///
    /// - Returns: the thread, which the caller must join or detach; or the `pthread_create` error.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) -> Result<
        PlatformThread, PlatformThreadStartError
    > {
        let argument = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        #if canImport(Darwin) || canImport(Musl)
            // `pthread_t` is a pointer here: `pthread_create` fills in an optional.
            var handle: pthread_t? = nil
        #else
            var handle = pthread_t()
        #endif
        // The entry point's parameter is non-optional on Darwin (and Android's NDK 27), optional elsewhere:
        // `$0` converts to `run`'s optional parameter either way. Android's NDK 27 also wants a non-optional
        // result (NDK 28 takes either), as swift-nio does it.
        #if os(Android)
            let status = pthread_create(
                &handle, nil,
                {
                    PlatformThread.run($0); return UnsafeMutableRawPointer(bitPattern: 0xdeadbee)!
                }, argument)
        #else
            let status = pthread_create(
                &handle, nil,
                {
                    PlatformThread.run($0); return nil
                }, argument)
        #endif
        guard status == 0 else {
            Unmanaged<Start>.fromOpaque(argument).release()
            return .failure(PlatformThreadStartError(code: status))
        }
        #if canImport(Darwin) || canImport(Musl)
            return .success(PlatformThread(handle: handle!))
        #else
            return .success(PlatformThread(handle: handle))
        #endif
    }

    private static func run(_ argument: UnsafeMutableRawPointer?) {
        let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
        setCurrentName(start.name)
        start.body()
    }

    /// Names the calling thread, as `top -H`, gdb, lldb, crash logs and Foundation's `Thread.current.name`
    /// show it. `name` must fit in ``maxNameBytes`` (a longer one is refused by Linux and left unset).
    /// (Not through `Thread.current.name =`, which first builds Foundation's thread object: several
    /// microseconds before a new worker can take its first task.)
    static func setCurrentName(_ name: String) {
        #if canImport(Darwin)
            _ = pthread_setname_np(name)  // Darwin names only the calling thread
        #elseif os(Android)
            _ = pthread_setname_np(pthread_self(), name)
        #else
            _ = linuxSetName(pthread_self(), name)
        #endif
    }

    /// The calling thread's name as the system keeps it (`pthread_getname_np`); `nil` if it cannot be
    /// read.
    static func currentName() -> String? {
        var buffer = [CChar](repeating: 0, count: maxNameBytes + 1)
        let status = buffer.withUnsafeMutableBufferPointer { buffer in
            #if canImport(Darwin) || os(Android)
                pthread_getname_np(pthread_self(), buffer.baseAddress!, buffer.count)
            #else
                linuxGetName(pthread_self(), buffer.baseAddress!, buffer.count)
            #endif
        }
        guard status == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

#if !canImport(Darwin) && !os(Android)
    // glibc and musl declare `pthread_setname_np` and `pthread_getname_np` only under `_GNU_SOURCE`, so the
    // Glibc and Musl modules do not export them (swift-nio reaches them through a C shim, `CNIOLinux`).
    // Same signatures in both: `int (pthread_t, const char *)` and `int (pthread_t, char *, size_t)`.

    @_silgen_name("pthread_setname_np")
    private func linuxSetName(_ thread: pthread_t, _ name: UnsafePointer<CChar>) -> Int32

    @_silgen_name("pthread_getname_np")
    private func linuxGetName(_ thread: pthread_t, _ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int32
#endif

/// `pthread_create` could not start a thread; `code` is its error number (`EAGAIN` when the process or
/// the system is out of threads or memory for one).
struct PlatformThreadStartError: Error, Equatable, CustomStringConvertible {
    let code: Int32

    /// The error as `pthread_create` would report it, with the C library's text for the code.
    var description: String {
        "pthread_create failed with error \(code) (\(String(cString: strerror(code))))"
    }

    /// The error for a system out of threads, as `pthread_create` reports it (for tests that stand in for
    /// the real call).
    static var outOfThreads: PlatformThreadStartError { PlatformThreadStartError(code: EAGAIN) }
}

/// The function a pool starts its worker threads with: ``PlatformThread/start(name:_:)``, or a stand-in
/// that tests give a pool to make starting fail.
typealias ThreadStarter =
    @Sendable (_ name: String, _ body: @escaping @Sendable () -> Void) -> Result<
        PlatformThread, PlatformThreadStartError
    >
