import Foundation
import Testing
@testable import Executors

@Suite("Slurm: time limits (no cluster)")
struct SlurmTimeLimitTests {
    @Test("auto covers the largest chunk at the p90 frame time plus start-up, × 1.5, + 60 s warning, rounded up to minutes")
    func covering() {
        // Largest chunk 25 frames; p90 of [2, 3, 10] (nearest rank) is 10 s; + 6 s start-up = 256 s;
        // × 1.5 = 384 s + 60 s = 444 s → 8 min.
        let limit = SlurmTimeLimit.covering(chunks: [25, 25, 10], frameSeconds: [3, 10, 2], startupSeconds: 6)
        #expect(limit.minutes == 8)
        #expect(limit.reason.contains("largest task 25 frame(s) × 10 s (p90 of 3 sample frame(s) here)"), "\(limit.reason)")
        #expect(limit.reason.contains("= 256 s") && limit.reason.contains("= 444 s"), "\(limit.reason)")
        #expect(!limit.reason.contains("at least"))

        // Exactly 6 minutes needed: 6, not 7.
        #expect(SlurmTimeLimit.covering(chunks: [10], frameSeconds: [20], startupSeconds: 0, safety: 1.5, warningSeconds: 60).minutes == 6)
        // One second more: the next minute.
        #expect(SlurmTimeLimit.covering(chunks: [10], frameSeconds: [20], startupSeconds: 1, safety: 1, warningSeconds: 160).minutes == 7)
    }

    @Test("a light job gets the 5 minute floor, and says so")
    func floor() {
        let limit = SlurmTimeLimit.covering(chunks: [2, 2], frameSeconds: [0.4, 0.5], startupSeconds: 1.2)
        #expect(limit.minutes == 5)
        #expect(limit.reason.hasSuffix("; at least 5 min"), "\(limit.reason)")
    }

    @Test("Slurm's time formats and auto are taken; anything else is one line naming the formats")
    func formats() {
        for good in ["30", "0", "30:00", "2:00:00", "1-0", "1-12:30", "1-12:30:15", "UNLIMITED", "infinite", "auto"] {
            #expect(SlurmTimeLimit.problem(good) == nil, "\(good)")
        }
        for bad in ["soon", "", "30m", "1:2:3:4", "1-2-3", "-5", "1-", ":30", "2h", "AUTO", "１０"] {
            let problem = SlurmTimeLimit.problem(bad)
            #expect(problem?.contains("give minutes (30)") == true && problem?.contains("'\(bad)'") == true, "\(bad): \(problem ?? "nil")")
        }
    }
}
