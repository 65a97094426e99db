/// Reporting failed futures that were released without anyone reading their error, so that the failure
/// of fire-and-forget work is not silent (cpython #120508).
///
/// A future's error counts as read once it reached a caller: ``Future/result(timeout:)`` threw it,
/// ``Future/error(timeout:)`` returned it, ``Future/value`` threw it, or a `map`, combinator or streaming
/// map handed it on. Waiting (`wait`, `asCompleted`), checking ``Future/state`` or being called back does
/// not read it. A cancelled future has no error and is never reported.
///
/// The check is in the future's `deinit`: one uncontended lock and a flag that sits in padding, so it
/// costs no memory. The report runs once, on the thread that releases the last reference, with no lock
/// held: a pool's ``ThreadPoolHooks/unretrievedError`` if it set one, else one line on standard error.
enum UnretrievedErrors {
    static func report(_ error: any Error, attachment: FutureAttachment?) {
        if let handler = attachment?.unretrievedErrorHandler {
            handler(error)
        } else {
            writeDefaultReport(error)
        }
    }

    /// The default: one line on standard error, written with one `write` call so lines from several
    /// threads do not interleave.
    static func writeDefaultReport(_ error: any Error) {
        PlatformProcess.writeToStandardError("Futures: a future failed and nobody read its error: \(String(describing: error))\n")
    }
}
