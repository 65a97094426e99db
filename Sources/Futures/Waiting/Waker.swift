import Synchronization

/// Something that sleeps until woken once: a blocked thread (its ``Parker``) or a suspended task
/// (an ``AsyncEvent``).
protocol Waker: AnyObject, Sendable {
    func wake()
}

extension Parker: Waker {
    func wake() { unpark() }
}
