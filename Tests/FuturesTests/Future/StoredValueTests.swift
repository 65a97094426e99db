import Testing

@testable import Futures

/// A future's value lives in a ``StoredValue``: inline when it fits in 16 bytes and moves by copying
/// bytes, boxed otherwise. Every shape must come back intact, as often as it is read, and be freed once,
/// when the future is.
@Suite("StoredValue")
struct StoredValueTests {
    /// 32 bytes of plain data: boxed for its size, nothing to release inside.
    struct LargePlain: Equatable, Sendable {
        var a = 1, b = 2, c = 3, d = 4
    }

    /// Three references: boxed for its size, each reference released with the box.
    struct LargeWithReferences: Sendable {
        let first: Tracked, second: Tracked, third: Tracked
    }

    /// Eight bytes, but a `weak` reference cannot be moved by copying bytes: boxed.
    struct WithWeakReference: @unchecked Sendable {  // written once, before the future is shared
        weak var object: Tracked?
    }

    @Test func whereEachShapeIsKept() {
        #expect(StoredValue.holdsInline(Int.self))
        #expect(StoredValue.holdsInline(Void.self))
        #expect(StoredValue.holdsInline(String.self))
        #expect(StoredValue.holdsInline(Tracked.self))
        #expect(StoredValue.holdsInline((Int, Int).self))
        #expect(!StoredValue.holdsInline((Int, Int, Int).self))
        #expect(!StoredValue.holdsInline(LargePlain.self))
        #expect(!StoredValue.holdsInline(WithWeakReference.self))
        #expect(!StoredValue.holdsInline(SIMD4<Double>.self))
    }

    @Test func plainValuesComeBackIntact() throws {
        #expect(try completed(42).result() == 42)
        #expect(try completed(-0.5).result() == -0.5)
        #expect(try completed(LargePlain(a: 9)).result() == LargePlain(a: 9))
        #expect(try completed(SIMD4<Double>(1, 2, 3, 4)).result() == SIMD4<Double>(1, 2, 3, 4))
        let pair = try completed((7, 8)).result()
        #expect(pair == (7, 8))
        try completed(()).result()
    }

    @Test func aStringIsReadAsOftenAsWantedAndFreedWithTheFuture() throws {
        let text = String(repeating: "long enough to live on the heap ", count: 4)
        let future = completed(text)
        #expect(try future.result() == text)
        #expect(try future.result() == text)
    }

    @Test func referencesInlineOrBoxedAreReleasedOnceWhenTheFutureIs() throws {
        let tracker = LifetimeTracker()
        do {
            let inline = completed(tracker.instance())
            let boxed = completed(
                LargeWithReferences(first: tracker.instance(), second: tracker.instance(), third: tracker.instance()))
            let optional = completed(Optional(tracker.instance()))
            let array = completed([tracker.instance(), tracker.instance()])
            _ = try inline.result()
            _ = try boxed.result()
            _ = try optional.result()
            _ = try array.result()
            #expect(tracker.liveCount == 7, "the futures still hold their values")
        }
        #expect(tracker.liveCount == 0, "each value was released exactly once, with its future")
    }

    @Test func aWeakReferenceSurvivesBeingStored() throws {
        let tracker = LifetimeTracker()
        let object = tracker.instance()
        let future = completed(WithWeakReference(object: object))
        #expect(try future.result().object === object)
        withExtendedLifetime(object) {}
    }

    @Test func valuesMadeOnThePoolAreFreedWithTheirFutures() throws {
        let tracker = LifetimeTracker()
        let pool = ThreadPoolExecutor(maxWorkers: 2)
        defer { pool.shutdown(wait: true) }
        do {
            let futures = (0..<200).map { index in
                try! pool.submit { index.isMultiple(of: 2) ? [tracker.instance()] : [] }
            }
            for future in futures { _ = try future.result() }
            #expect(tracker.liveCount == 100)
        }
        // A worker lets go of its reference just after it completes a future, which can be a moment after
        // `result()` has returned here (the woken caller may run first), so this polls (bounded) for it.
        #expect(eventually { tracker.liveCount == 0 }, "live: \(tracker.liveCount)")
    }

    /// A future that succeeded with `value`, made the way a producer makes one.
    private func completed<Value: Sendable>(_ value: Value) -> Future<Value> {
        let future = Future<Value>()
        try! future.setResult(value)
        return future
    }
}
