/// What one worker thread keeps while it runs: its name, its ``Parker``, its run of tasks, its
/// ``WorkerSlot``, its ``WorkerLocal`` values and how many more tasks it may run
/// (``ThreadPoolConfiguration/maxTasksPerWorker``).
/// A class, so that reading its constant parts costs no retain: the worker loop reads them per task.
final class PoolWorker {
    let name: String
    let parker = Parker()
    let run = TakenTasks()
    let slot: WorkerSlot
    let locals: WorkerLocalStorage
    var tasksLeft: Int

    init(name: String, pool: ThreadPoolCore, locals: WorkerLocalStorage, tasksLeft: Int) {
        self.name = name
        self.slot = WorkerSlot(pool: pool)
        self.locals = locals
        self.tasksLeft = tasksLeft
    }
}
