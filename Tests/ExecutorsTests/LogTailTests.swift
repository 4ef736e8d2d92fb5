import Foundation
import Testing
@testable import Executors

@Suite("LogTail")
struct LogTailTests {
    @Test("sample lines of Blender 3 and Blender 5 parse; others do not")
    func parse() throws {
        let cycles = "Fra:12 Mem:13.20M (Peak 14.05M) | Time:00:00.43 | Remaining:00:00.12 | Mem:1.25M, Peak:1.25M | Scene, ViewLayer | Sample 3/16"
        let parsed = try #require(LogTail.parseSample(Substring(cycles)))
        #expect(parsed.frame == 12 && parsed.sample == 3 && parsed.of == 16)
        let five = try #require(LogTail.parseSample("12:01:02.345 render | Fra:7 Mem:2M | Sample 1/4"))
        #expect(parsed.frame == 12 && five.frame == 7 && five.of == 4)
        #expect(LogTail.parseSample("Saved: '/tmp/x_0001.png'") == nil)
    }

    @Test("only complete new lines are read, the latest sample wins")
    func tail() throws {
        let path = NSTemporaryDirectory() + "bb-tail-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "Fra:1 | Sample 1/4\nFra:1 | Sample 2/4\nFra:1 | Sam".write(toFile: path, atomically: false, encoding: .utf8)
        var tail = LogTail(path: path)
        #expect(tail.latestSample()?.sample == 2)
        #expect(tail.latestSample() == nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        handle.write(Data("ple 3/4\n".utf8))
        try handle.close()
        #expect(tail.latestSample()?.sample == 3)
    }
}
