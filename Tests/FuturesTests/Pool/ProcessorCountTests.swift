import Foundation
import Testing

@testable import Futures

@Suite("Processor counts")
struct ProcessorCountTests {
    /// The count that decides whether idle workers spin is at least 1 and never above Foundation's; under an
    /// affinity mask of one processor (`taskset -c 0 swift test --filter ProcessorCount`) it is 1, and no idle
    /// worker spins.
    @Test func schedulableProcessorsAreWithinTheActiveOnes() {
        let schedulable = PlatformProcess.schedulableProcessorCount
        #expect(schedulable >= 1 && schedulable <= PlatformProcess.activeProcessorCount)
        #expect((schedulable == 1) == (ThreadPoolCore.maxSpinners == 0))
        // `FUTURES_EXPECT_PROCESSORS=1 taskset -c 0 swift test --filter ProcessorCount` checks the mask is read.
        if let expected = ProcessInfo.processInfo.environment["FUTURES_EXPECT_PROCESSORS"].flatMap({ Int($0) }) {
            #expect(schedulable == expected)
        }
    }
}
