import Testing
@testable import RenderPlan

@Suite("Chunking frame sets into array tasks")
struct ChunkingTests {
    @Test("fixed chunks slice in order and clamp the last chunk (the workshop renders past the end)")
    func fixed() throws {
        let chunks = Chunking.frames(3).chunks(of: try FrameSet(parsing: "1-10"))
        #expect(chunks.map(\.description) == ["1-3", "4-6", "7-9", "10"])
    }

    @Test("chunks follow the frames, not arithmetic on the index: odd starts, steps and gaps")
    func oddSets() throws {
        let chunks = Chunking.frames(4).chunks(of: try FrameSet(parsing: "1,10-12,18-50:8"))
        #expect(chunks.map(\.frames) == [[1, 10, 11, 12], [18, 26, 34, 42], [50]])
        #expect(Chunking.frames(0).chunkSize(total: 5) == 1)
    }

    @Test("a target runtime sizes chunks from the measured frame time")
    func targetTime() {
        let chunking = Chunking.targetTime(seconds: 60, secondsPerFrame: 2.5, startupSeconds: 10)
        #expect(chunking.chunkSize(total: 1000) == 20)        // (60 - 10) / 2.5
        #expect(chunking.chunkSize(total: 30, minimumTasks: 4) == 8)  // keep 4 workers busy
        #expect(Chunking.targetTime(seconds: 1, secondsPerFrame: 30).chunkSize(total: 10) == 1)
        #expect(Chunking.targetTime(seconds: 60, secondsPerFrame: 0).chunkSize(total: 10) == 10)
    }

    @Test("durations for --chunk-time", arguments: [
        ("60", 60.0), ("90s", 90), ("1.5m", 90), ("2m30s", 150), ("1h", 3600),
    ])
    func durations(text: String, seconds: Double) {
        #expect(Chunking.parseDuration(text) == seconds)
    }

    @Test("unreadable or non-positive durations are nil", arguments: ["", "x", "5x", "0", "m", "-3s"])
    func badDurations(text: String) {
        #expect(Chunking.parseDuration(text) == nil)
    }
}
