/// What one worker thread keeps while it runs: its name, its ``Parker``, its run of tasks, its
/// ``WorkerSlot``, its ``WorkerLocal`` values and how many more tasks it may run
/// (``ThreadPoolConfiguration/maxTasksPerWorker``).
/// A class, so that reading its constant parts costs no retain: the worker loop reads them per task.
final class PoolWorker {
    let name: String
    let parker = Parker()
    let run = TakenTasks()
    /// What the worker's thread shows the code it runs; kept alive here, handed to each task unretained.
    let slotObject: WorkerSlot
    let slot: Unmanaged<WorkerSlot>
    let locals: WorkerLocalStorage
    var tasksLeft: Int

    init(name: String, pool: ThreadPoolCore, locals: WorkerLocalStorage, tasksLeft: Int) {
        self.name = name
        slotObject = WorkerSlot(pool: pool)
        slot = Unmanaged.passUnretained(slotObject)
        self.locals = locals
        self.tasksLeft = tasksLeft
    }
}
