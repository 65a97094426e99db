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

/// A per-thread slot holding one object, on a pthread key (`pthread_getspecific`/`pthread_setspecific`).
///
/// Make each one once, as a `static let`: the key is never deleted. An *owning* slot holds a strong
/// reference to its object and releases it when the thread exits; a non-owning one holds the object
/// unretained, and whoever sets it keeps the object alive while it is set.
struct ThreadLocal<Value: AnyObject>: Sendable {
    private let key: pthread_key_t
    private let owning: Bool

    /// Makes the key. Stops the program if the process is out of keys (`PTHREAD_KEYS_MAX`).
    init(owning: Bool) {
        var key = pthread_key_t()
        // The destructor's parameter is non-optional on Darwin and optional on the others (swift-nio's
        // `ThreadOpsPosix`): `$0` converts to `releaseValue`'s optional parameter either way.
        let status: Int32
        if owning {
            status = pthread_key_create(&key, { ThreadLocalRelease.releaseValue($0) })
        } else {
            status = pthread_key_create(&key, nil)
        }
        if status != 0 {
            fatalError("Futures: pthread_key_create failed with error \(status) (\(String(cString: strerror(status))))")
        }
        self.key = key
        self.owning = owning
    }

    /// The calling thread's object, if it set one.
    @inline(__always)
    var value: Value? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        return Unmanaged<Value>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Sets the calling thread's object; an owning slot retains the new one and releases the old one.
    @inline(__always)
    func set(_ value: Value?) {
        let old = owning ? pthread_getspecific(key) : nil
        if let value {
            let pointer = owning ? Unmanaged.passRetained(value).toOpaque() : Unmanaged.passUnretained(value).toOpaque()
            _ = pthread_setspecific(key, pointer)
        } else {
            _ = pthread_setspecific(key, nil)
        }
        if let old { Unmanaged<AnyObject>.fromOpaque(old).release() }
    }
}

/// The destructor of owning ``ThreadLocal`` keys: a C function pointer cannot capture the generic type, and
/// releasing needs none.
private enum ThreadLocalRelease {
    static func releaseValue(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        Unmanaged<AnyObject>.fromOpaque(pointer).release()
    }
}
