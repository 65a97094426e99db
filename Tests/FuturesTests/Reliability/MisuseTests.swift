import Foundation
import Futures
import Testing

/// Misuse gets a clear message: the program stops (exit tests) where it must, and everything else throws
/// an error that names what was wrong. Negative timeouts count as zero.
extension Reliability {
    @Suite("Misuse", .serialized)
    struct MisuseTests {
        // MARK: The program stops, with a message

        #if EXIT_TESTS  // exit tests exist on macOS and Linux only (see Package.swift)
            @Test("maxWorkers <= 0 stops the program with a message naming maxWorkers and the value")
            func maxWorkersZero() async {
                let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                    _ = ThreadPoolExecutor(maxWorkers: 0)
                }
                let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
                #expect(message.contains("maxWorkers") && message.contains("0"), "stderr: \(message)")
            }

            @Test("maxWorkers < 0 stops the program with a message naming maxWorkers and the value")
            func maxWorkersNegative() async {
                let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                    _ = ThreadPoolExecutor(maxWorkers: -3)
                }
                let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
                #expect(message.contains("maxWorkers") && message.contains("-3"), "stderr: \(message)")
            }

            @Test("withThreadPoolExecutor(maxWorkers: 0) stops the program too")
            func scopedMaxWorkersZero() async {
                await #expect(processExitsWith: .failure) {
                    await withThreadPoolExecutor(maxWorkers: 0) { _ async in }
                }
            }

            @Test("map with chunkSize <= 0 stops the program with a message naming chunkSize")
            func chunkSizeZero() async {
                let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                    try MisuseTests.map(chunkSize: 0)
                }
                let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
                #expect(message.contains("chunkSize") && message.contains("0"), "stderr: \(message)")
            }

            @Test("map with a negative chunkSize stops the program, also through the Executor protocol")
            func chunkSizeNegative() async {
                let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                    try MisuseTests.mapThroughProtocol(chunkSize: -2)
                }
                let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
                #expect(message.contains("chunkSize") && message.contains("-2"), "stderr: \(message)")
            }

            @Test("lazyMap and unorderedMap with bufferSize <= 0 stop the program with a message naming bufferSize")
            func bufferSizeZero() async {
                let lazy = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                    let pool = ThreadPoolExecutor(maxWorkers: 1)
                    _ = pool.lazyMap([1, 2, 3], bufferSize: 0) { $0 }
                }
                let lazyMessage = String(decoding: lazy?.standardErrorContent ?? [], as: UTF8.self)
                #expect(lazyMessage.contains("bufferSize") && lazyMessage.contains("0"), "stderr: \(lazyMessage)")

                let unordered = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                    let pool = ThreadPoolExecutor(maxWorkers: 1)
                    _ = pool.unorderedMap([1, 2, 3], bufferSize: -4) { $0 }
                }
                let unorderedMessage = String(decoding: unordered?.standardErrorContent ?? [], as: UTF8.self)
                #expect(
                    unorderedMessage.contains("bufferSize") && unorderedMessage.contains("-4"),
                    "stderr: \(unorderedMessage)")
            }

            @Test("lazyMap over an AsyncSequence with bufferSize <= 0 stops the program")
            func bufferSizeZeroAsyncInput() async {
                let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                    let pool = ThreadPoolExecutor(maxWorkers: 1)
                    let input = AsyncStream<Int> { $0.finish() }
                    _ = pool.lazyMap(input, bufferSize: 0) { $0 }
                }
                let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
                #expect(message.contains("bufferSize") && message.contains("0"), "stderr: \(message)")
            }
        #endif

        /// The blocking `map` is unavailable in async code, and exit-test bodies are async.
        static func map(chunkSize: Int) throws {
            let pool = ThreadPoolExecutor(maxWorkers: 1)
            _ = try pool.map([1, 2, 3], chunkSize: chunkSize) { $0 }
        }

        static func mapThroughProtocol(chunkSize: Int) throws {
            let pool: any Executor = ThreadPoolExecutor(maxWorkers: 1)
            _ = try pool.map([1, 2, 3], timeout: nil, chunkSize: chunkSize) { $0 }
        }

        // MARK: Negative timeouts count as zero

        static let negativeTimeouts: [Duration] = [
            .nanoseconds(-1), .seconds(-1), Duration(secondsComponent: Int64.min, attosecondsComponent: 0),
        ]

        @Test("result(timeout:) and error(timeout:) with a negative timeout poll once", arguments: negativeTimeouts)
        func negativeResultTimeout(timeout: Duration) throws {
            let pending = Future<Int>()
            let guardGate = watchdog(pending, fallback: -1)
            defer { guardGate.open() }
            let elapsed = try measure {
                #expect(throws: FutureError.timedOut) { try pending.result(timeout: timeout) }
                #expect(throws: FutureError.timedOut) { try pending.error(timeout: timeout) }
                let done = Future<Int>()
                try done.setResult(3)
                #expect(try done.result(timeout: timeout) == 3, "a done future still answers")
                #expect(try done.error(timeout: timeout) == nil)
            }
            #expect(elapsed < .seconds(5), "a negative timeout did not wait")
            #expect(pending.state == .pending)
        }

        @Test("wait with a negative timeout returns at once", arguments: negativeTimeouts)
        func negativeWaitTimeout(timeout: Duration) throws {
            let pending = Future<Int>()
            let guardGate = watchdog(pending, fallback: -1)
            defer { guardGate.open() }
            let done = Future<Int>()
            try done.setResult(1)
            for returnWhen in [ReturnWhen.firstCompleted, .firstException, .allCompleted] {
                let elapsed = measure {
                    let (doneSet, notDone) = wait([pending, done], timeout: timeout, returnWhen: returnWhen)
                    #expect(doneSet == [done])
                    #expect(notDone == [pending])
                }
                #expect(elapsed < .seconds(5))
            }
        }

        @Test(
            "asCompleted with a negative timeout yields what is done, then throws timedOut", arguments: negativeTimeouts
        )
        func negativeAsCompletedTimeout(timeout: Duration) throws {
            let pending = Future<Int>()
            let guardGate = watchdog(pending, fallback: -1)
            defer { guardGate.open() }
            let done = Future<Int>()
            try done.setResult(1)
            var iterator = asCompleted([pending, done], timeout: timeout).makeIterator()
            var first: Future<Int>?
            var second: Result<Future<Int>?, any Error> = .success(nil)
            let elapsed = measure {
                first = try? iterator.next()
                second = Result { try iterator.next() }
            }
            #expect(first == done)
            #expect(throws: FutureError.timedOut) { try second.get() }
            #expect(elapsed < .seconds(5))
        }

        @Test("async waits with a negative timeout return at once")
        func negativeAsyncTimeouts() async throws {
            let pending = Future<Int>()
            let guardGate = watchdog(pending, fallback: -1)
            defer { guardGate.open() }
            let (done, notDone) = await wait([pending], timeout: .seconds(-1))
            #expect(done.isEmpty && notDone == [pending])
            var iterator = asCompleted([pending], timeout: .seconds(-1)).makeAsyncIterator()
            await #expect(throws: FutureError.timedOut) { try await iterator.next() }
        }

        @Test("map with a negative timeout throws timedOut and cancels what has not started")
        func negativeMapTimeout() throws {
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: uniquePrefix("mm"))
            defer { pool.shutdown() }
            let gate = Gate()
            let blocker = try pool.submit {
                gate.wait(); return 0
            }
            let ran = Counter()
            #expect(throws: FutureError.timedOut) {
                try pool.map(0..<10, timeout: .seconds(-1), chunkSize: 1) { item in
                    ran.increment(); return item
                }
            }
            gate.open()
            _ = try blocker.result(timeout: .seconds(30))
            pool.shutdown()
            #expect(ran.count == 0, "every item was cancelled before it started")
        }

        @Test("A pool worker waiting with a negative timeout polls and does not run queued work inline")
        func negativeTimeoutOnWorker() throws {
            let pool = ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: uniquePrefix("mw"))
            defer { pool.shutdown() }
            let outcome = try pool.submit { () -> String in
                let queued = try pool.submit { 1 }
                do {
                    _ = try queued.result(timeout: .seconds(-1))
                    return "ran inline"
                } catch {
                    return "\(error) \(queued.state)"
                }
            }
            #expect(try outcome.result(timeout: .seconds(30)) == "\(FutureError.timedOut) pending")
        }

        // MARK: Empty input

        /// Found by the stress test: `wait([], returnWhen: .firstCompleted)` blocked forever (until its
        /// timeout), since no future could ever complete. As in Python, no futures is "all done".
        @Test(
            "wait and asCompleted on no futures return at once",
            arguments: [ReturnWhen.firstCompleted, .firstException, .allCompleted])
        func waitOnNothing(returnWhen: ReturnWhen) async throws {
            let none: [Future<Int>] = []
            let elapsed = measure {
                let (done, notDone) = wait(none, timeout: .seconds(10), returnWhen: returnWhen)
                #expect(done.isEmpty && notDone.isEmpty)
                var iterator = asCompleted(none).makeIterator()
                #expect(iterator.next() == nil)
            }
            #expect(elapsed < .seconds(5), "wait(returnWhen: \(returnWhen)) on no futures waited")
            let asyncStart = ContinuousClock.now
            let (done, notDone) = await wait(none, timeout: .seconds(10), returnWhen: returnWhen)
            #expect(done.isEmpty && notDone.isEmpty)
            #expect(
                ContinuousClock.now - asyncStart < .seconds(5),
                "async wait(returnWhen: \(returnWhen)) on no futures waited")
        }

        // MARK: Errors that name the problem

        @Test("Setting a result twice throws invalidState naming the state")
        func setResultTwice() throws {
            let future = Future<Int>()
            try future.setResult(1)
            #expect(throws: FutureError.self) { try future.setResult(2) }
            do {
                try future.setResult(2)
            } catch FutureError.invalidState(let message) {
                #expect(message.contains("finished"), "\(message)")
            }
            do {
                try future.setError(TestError())
                Issue.record("setError on a finished future succeeded")
            } catch FutureError.invalidState(let message) {
                #expect(message.contains("finished"), "\(message)")
            }
            #expect(try future.result(timeout: .zero) == 1, "the first result stands")
        }

        @Test("Completing a cancelled future throws invalidState naming the state")
        func setResultOnCancelled() throws {
            let future = Future<Int>()
            #expect(future.cancel())
            for attempt in 0..<2 {
                do {
                    if attempt == 0 { try future.setResult(1) } else { try future.setError(TestError()) }
                    Issue.record("completing a cancelled future succeeded")
                } catch FutureError.invalidState(let message) {
                    #expect(message.contains("cancelled"), "\(message)")
                }
            }
            #expect(future.state == .cancelled)
        }

        @Test("setRunningOrNotifyCancel twice throws invalidState naming the state")
        func setRunningTwice() throws {
            let future = Future<Int>()
            #expect(try future.setRunningOrNotifyCancel())
            do {
                _ = try future.setRunningOrNotifyCancel()
                Issue.record("setRunningOrNotifyCancel on a running future succeeded")
            } catch FutureError.invalidState(let message) {
                #expect(message.contains("running"), "\(message)")
            }
            #expect(future.cancel() == false, "a running future cannot be cancelled")
            try future.setResult(5)
            #expect(try future.result() == 5)
        }

        @Test("submit after shutdown throws shutDown, every time and from any thread")
        func submitAfterShutdown() throws {
            let pool = ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: uniquePrefix("ms"))
            pool.shutdown()
            pool.shutdown(wait: false, cancelFutures: true)
            #expect(throws: ExecutorError.shutDown) { try pool.submit { 1 } }
            #expect(throws: ExecutorError.shutDown) { try pool.map([1, 2]) { $0 } }
            let threads = ThreadGroup()
            let errors = Recorder<String>()
            threads.start(4, namePrefix: uniquePrefix("mt")) { _ in
                do { _ = try pool.submit { 1 } } catch { errors.append("\(error)") }
            }
            #expect(threads.join())
            #expect(errors.values == Array(repeating: "\(ExecutorError.shutDown)", count: 4))
        }
    }
}
