// The tests' platform code, in one file: thread names, thread identities, counting a process's threads by
// name, and the size of an allocation. Each helper works on every supported platform or stops the test
// run with the reason; none returns a neutral value ("", [], -1) that would let a check pass unchecked.

import Foundation

@testable import Futures

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Android)
    import Android
#endif

/// The calling thread's name as the system keeps it (what `top -H`, gdb and lldb show): read with
/// `pthread_getname_np` on every platform.
func currentThreadName() -> String {
    guard let name = PlatformThread.currentName() else {
        fatalError("pthread_getname_np could not read the calling thread's name")
    }
    return name
}

/// The calling thread's identity as a number, for sets of threads.
func currentThreadID() -> UInt {
    #if canImport(Darwin) || canImport(Musl)
        UInt(bitPattern: pthread_self())  // a pointer
    #else
        UInt(truncatingIfNeeded: pthread_self())  // an integer
    #endif
}

/// The bytes an allocation really occupies: glibc's, musl's and Android's `malloc_usable_size`, Darwin's
/// `malloc_size`.
func allocationSize(_ pointer: UnsafeRawPointer) -> Int {
    #if canImport(Darwin)
        malloc_size(pointer)
    #else
        mallocUsableSize(UnsafeMutableRawPointer(mutating: pointer))
    #endif
}

/// The bytes an instance of `object`'s class asks the allocator for (its header and stored properties):
/// what the class's layout decides, whatever size class the allocator then rounds it up to (glibc may hand
/// back a larger free chunk whole, so `allocationSize` of a 56-byte object is sometimes 72).
func instanceSize(of object: AnyObject) -> Int {
    classInstancePositiveExtentSize(type(of: object))
}

/// The standard library's `_class_getInstancePositiveExtentSize` (what `ManagedBuffer` sizes itself with),
/// exported but not public.
@_silgen_name("$ss36_class_getInstancePositiveExtentSizeySiyXlXpF")
private func classInstancePositiveExtentSize(_ theClass: AnyClass) -> Int

#if !canImport(Darwin)
    /// `malloc_usable_size`, declared in `malloc.h`, which the Glibc and Musl modules do not export.
    @_silgen_name("malloc_usable_size")
    private func mallocUsableSize(_ pointer: UnsafeMutableRawPointer?) -> Int
#endif

/// Threads of this process whose name starts with `prefix`. Pools and drivers in the tests get unique
/// prefixes, so this counts exactly the threads one test made, even while other suites run in parallel
/// and start threads of their own.
func threadCount(namedWithPrefix prefix: String) -> Int {
    liveThreadNames().filter { $0.hasPrefix(prefix) }.count
}

/// The names of all live threads of this process. Linux and Android: `/proc/self/task/*/comm`. Darwin:
/// `task_threads`, then each thread's `pth_name` from `thread_info(THREAD_EXTENDED_INFO)`, which reads
/// through the thread's Mach port (safe while the thread exits, unlike `pthread_from_mach_thread_np`).
func liveThreadNames() -> [String] {
    #if canImport(Darwin)
        var threads: thread_act_array_t?
        var count: mach_msg_type_number_t = 0
        guard task_threads(mach_task_self_, &threads, &count) == KERN_SUCCESS, let threads else {
            fatalError("task_threads failed: cannot list this process's threads")
        }
        defer {
            for index in 0..<Int(count) { mach_port_deallocate(mach_task_self_, threads[index]) }
            vm_deallocate(
                mach_task_self_, vm_address_t(UInt(bitPattern: threads)),
                vm_size_t(Int(count) * MemoryLayout<thread_act_t>.stride))
        }
        var names: [String] = []
        for index in 0..<Int(count) {
            var info = thread_extended_info()
            var infoCount = mach_msg_type_number_t(
                MemoryLayout<thread_extended_info>.size / MemoryLayout<integer_t>.size)
            let status = withUnsafeMutablePointer(to: &info) {
                $0.withMemoryRebound(to: integer_t.self, capacity: Int(infoCount)) {
                    thread_info(threads[index], thread_flavor_t(THREAD_EXTENDED_INFO), $0, &infoCount)
                }
            }
            guard status == KERN_SUCCESS else { continue }  // the thread ended meanwhile
            names.append(withUnsafeBytes(of: info.pth_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
        }
        return names
    #else
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else {
            fatalError("/proc/self/task is not readable: cannot list this process's threads (is /proc mounted?)")
        }
        return tasks.compactMap { task in
            // A thread that ended since the listing has no comm file any more.
            readSmallFile("/proc/self/task/\(task)/comm")?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    #endif
}

#if !canImport(Darwin)
    /// The contents of a small file, read with `open` and `read`: Foundation's `String(contentsOfFile:)`
    /// leaks its 4 KB buffer when the read fails, as it does for the comm file of a thread that ends
    /// during the read (LeakSanitizer reported it in CI's AddressSanitizer run, from `threadCount`).
    private func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }
#endif
