/// The ``WorkerLocal`` values of one worker thread (or of one task run on its submitter's thread), and
/// their cleanups.
///
/// Reached through a task-local bound on the worker thread around its whole loop (outside any Swift task,
/// a task-local is a thread-local). A Swift task created inside a pool task inherits the binding, so every
/// access also checks that the calling thread is the owner, through its ``Parker/current``: only that
/// thread ever touches the entries.
final class WorkerLocalStorage: @unchecked Sendable {  // entries touched only on the owner thread (`forCurrentThread`)
    @TaskLocal static var current: WorkerLocalStorage?

    /// The owner thread's parker: its identity (held, so no other thread's parker can take its address).
    private let owner: Parker
    private var boxes: [ObjectIdentifier: any WorkerLocalBoxProtocol] = [:]
    /// Keys in the order their values were made; cleaned up from the end.
    private var order: [ObjectIdentifier] = []
    /// WorkerLocals whose factory is running now.
    private var making: Set<ObjectIdentifier> = []
    /// Cleaning up: reads find the values still there but make none.
    private var closing = false

    /// Storage owned by the calling thread.
    init() {
        owner = Parker.current
    }

    /// The calling thread's storage, or `nil` off a worker (or while its storage is closing).
    static var forCurrentThread: WorkerLocalStorage? {
        guard let storage = current, storage.owner === Parker.current else { return nil }
        return storage
    }

    /// The box holding `local`'s value on this thread, made by its factory if there is none.
    func box<Value>(for local: WorkerLocal<Value>) throws -> WorkerLocalBox<Value> {
        let key = ObjectIdentifier(local)
        if let box = boxes[key] {
            // The key is the WorkerLocal<Value>, which the box holds alive.
            return unsafeDowncast(box, to: WorkerLocalBox<Value>.self)
        }
        if closing { throw WorkerLocalError.notOnWorker }
        guard making.insert(key).inserted else { throw WorkerLocalError.recursiveFactory }
        defer { making.remove(key) }
        let box = WorkerLocalBox(local: local, value: try local.factory())
        boxes[key] = box
        order.append(key)
        return box
    }

    /// Runs every cleanup, newest value first; called on the owner thread when it stops being a worker.
    func close() {
        closing = true
        while let key = order.popLast() {
            boxes.removeValue(forKey: key)?.close()
        }
    }

    /// Runs `body` (a pool task on its submitter's thread) with worker-local values of its own, cleaned up
    /// right after, unless the thread is a worker that has its storage already.
    static func withStorageForCallerTask<R>(_ body: () -> R) -> R {
        if forCurrentThread != nil { return body() }
        let storage = WorkerLocalStorage()
        defer { storage.close() }
        return $current.withValue(storage) { body() }
    }
}

protocol WorkerLocalBoxProtocol: AnyObject {
    func close()
}

/// One worker's value of one ``WorkerLocal``.
final class WorkerLocalBox<Value>: WorkerLocalBoxProtocol {
    /// Held so that its address (the storage's key) is never reused while the value lives.
    let local: WorkerLocal<Value>
    var value: Value

    init(local: WorkerLocal<Value>, value: Value) {
        self.local = local
        self.value = value
    }

    func close() {
        local.cleanup?(value)
    }
}
