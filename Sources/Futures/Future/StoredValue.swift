/// A future's value kept in sixteen bytes whose layout does not depend on the value's type: the value itself
/// when it fits and can be moved by copying its bytes, else a reference to a ``ValueBox`` that holds it.
///
/// Why: `Future` is a generic class, and a class's deinitializer is never specialized. While the state
/// machine held a `Value` directly, its layout depended on `Value`, so freeing any future looked up the state
/// machine's type metadata at run time and destroyed it through generic value witnesses: about 450
/// instructions in callgrind, the largest single cost of freeing a future and a fifth of a pool task's.
/// Holding the value as bytes gives the state machine a fixed layout; `Future`'s `deinit` destroys the value
/// itself through `Value`'s metadata, which the class carries, so it looks up nothing.
///
/// The bytes own the value, but the compiler sees only bytes: it copies them freely and never destroys
/// them. Exactly one ``destroy(as:)`` (in `Future`'s `deinit`) ends the value; every read makes a copy.
@usableFromInline
struct StoredValue: Sendable {
    @usableFromInline var bytes: (UInt64, UInt64)

    /// Whether a `Value` is kept in the bytes themselves rather than in a box.
    @inlinable
    static func holdsInline<Value>(_: Value.Type) -> Bool {
        MemoryLayout<Value>.size <= MemoryLayout<StoredValue>.size
            && MemoryLayout<Value>.alignment <= MemoryLayout<StoredValue>.alignment
            && _isBitwiseTakable(Value.self)  // not, for instance, a struct with a `weak` reference
    }

    /// Takes ownership of `value`.
    @inlinable
    init<Value: Sendable>(_ value: Value) {
        bytes = (0, 0)
        if Self.holdsInline(Value.self) {
            withUnsafeMutableBytes(of: &bytes) { _ = $0.baseAddress!.initializeMemory(as: Value.self, to: value) }
        } else {
            bytes.0 = UInt64(UInt(bitPattern: Unmanaged.passRetained(ValueBox(value)).toOpaque()))
        }
    }

    /// A copy of the value, which must be a `Value`.
    @inlinable
    func value<Value: Sendable>(as _: Value.Type) -> Value {
        if Self.holdsInline(Value.self) {
            return withUnsafeBytes(of: bytes) { $0.load(as: Value.self) }
        }
        return box(of: Value.self).takeUnretainedValue().value
    }

    /// Ends the value's lifetime; nothing may read it afterwards.
    @usableFromInline
    func destroy<Value: Sendable>(as _: Value.Type) {
        guard Self.holdsInline(Value.self) else { return box(of: Value.self).release() }
        guard !_isPOD(Value.self) else { return }
        var bytes = bytes
        withUnsafeMutableBytes(of: &bytes) { _ = $0.baseAddress!.bindMemory(to: Value.self, capacity: 1).move() }
    }

    @inlinable
    func box<Value: Sendable>(of _: Value.Type) -> Unmanaged<ValueBox<Value>> {
        Unmanaged.fromOpaque(UnsafeRawPointer(bitPattern: UInt(bytes.0))!)
    }
}
